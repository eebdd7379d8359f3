// Fitting text into API limits, counted in UTF-16 code units as the service counts string length.

export const TRUNCATION_MARKER = ' … [truncated]'

/** Cuts `text` to at most `max` characters, ending with the marker, never between the halves of a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  let end = Math.max(0, max - TRUNCATION_MARKER.length)
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1
  return text.slice(0, end) + TRUNCATION_MARKER
}

/** Keeps `head` and `tail` whole and truncates the middle, so a long job list never pushes out the run URL. */
export function fit(head: string, middle: string, tail: string, max: number): string {
  const room = max - head.length - tail.length
  if (room < TRUNCATION_MARKER.length) return truncate(head + middle + tail, max)
  return head + truncate(middle, room) + tail
}

/**
 * Text from a job, a pipeline or GitHub, made safe to print as a log line: the runner reads any line that
 * starts with `::` as a workflow command (`::stop-commands::`, `::add-mask::`), so a carriage return is dropped
 * and a `::` at the start of a line is broken with a zero-width space.
 */
export function neutralize(text: string): string {
  return text.replace(/\r/g, '').replace(/^(\s*):/gm, '$1:\u200b')
}
