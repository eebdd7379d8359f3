import { expect, test } from '@jest/globals'
import { mapLimited } from '../../src/poll/batch.ts'

test('runs at most `limit` at once and keeps the input order', async () => {
  let active = 0
  let peak = 0
  const results = await mapLimited([30, 10, 20, 5, 15], 2, async ms => {
    active++
    peak = Math.max(peak, active)
    await new Promise(resolve => setTimeout(resolve, ms))
    active--
    return ms * 2
  })
  expect(results).toEqual([60, 20, 40, 10, 30])
  expect(peak).toBe(2)
})

test('one at a time when the limit is 1; nothing to do for no items', async () => {
  const order: number[] = []
  await mapLimited([1, 2, 3], 1, async n => {
    order.push(n)
    await Promise.resolve()
    order.push(-n)
  })
  expect(order).toEqual([1, -1, 2, -2, 3, -3])
  expect(await mapLimited([], 5, async () => 1)).toEqual([])
})
