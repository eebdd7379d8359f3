/**
 * Parses JSON from an input or a pipeline property. On a syntax error, the reason is returned without the
 * excerpt V8 quotes ("Unexpected token 's', "{"TOKEN": s3cr…" is not valid JSON"): the text may hold secrets
 * or resolved pipeline variables, and must not reach a log or a failure message.
 */
export function parseJson(
  raw: string,
  reviver?: Parameters<typeof JSON.parse>[1]
): { value: unknown } | { reason: string } {
  try {
    return { value: JSON.parse(raw, reviver) }
  } catch (error) {
    const reason = (error as Error).message.replace(/,? (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '')
    return { reason }
  }
}
