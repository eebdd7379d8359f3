/**
 * Runs `work` over `items` with at most `limit` in flight, keeping the input order in the results. A batch of
 * jobs then costs about its slowest round trips rather than their sum, without flooding GitHub's secondary
 * rate limits. `work` must not throw: each job reports its own failure.
 */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
  return results
}
