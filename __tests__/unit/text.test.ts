import { fit, truncate, TRUNCATION_MARKER } from '../../src/text.ts'

test('short text is untouched', () => {
  expect(truncate('hello', 5)).toBe('hello')
})

test('long text is cut to the limit and ends with the marker', () => {
  const out = truncate('x'.repeat(6000), 5000)
  expect(out).toHaveLength(5000)
  expect(out.endsWith(TRUNCATION_MARKER)).toBe(true)
})

test('never splits a surrogate pair', () => {
  const text = 'a' + '😀'.repeat(3000)
  for (const max of [4999, 5000]) {
    const out = truncate(text, max)
    expect(out.length).toBeLessThanOrEqual(max)
    const body = out.slice(0, -TRUNCATION_MARKER.length)
    expect(body).toBe(Buffer.from(body, 'utf8').toString('utf8'))
    expect(body.endsWith('😀')).toBe(true)
  }
})

test('fit keeps head and tail whole and truncates the middle', () => {
  const out = fit('HEAD:', 'm'.repeat(100), ' TAIL', 40)
  expect(out).toHaveLength(40)
  expect(out.startsWith('HEAD:m')).toBe(true)
  expect(out.endsWith(`${TRUNCATION_MARKER} TAIL`)).toBe(true)
})
