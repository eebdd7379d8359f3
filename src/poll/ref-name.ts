// Git's rules for a ref name (`git check-ref-format`), applied to the Ref a pipeline asks to build. A Ref comes
// from whoever can edit the pipeline: it must name a branch or tag, and never carry a line break into a log line
// or a control character into an API path.

const FORBIDDEN = /[\x00-\x20\x7f~^:?*[\\]/

/** Why `ref` is not a valid git ref name, or undefined when it is. */
export function refNameProblem(ref: string): string | undefined {
  if (!ref) return 'it is empty'
  if (FORBIDDEN.test(ref)) return 'it contains a space, a control character or one of ~ ^ : ? * [ \\'
  if (ref === '@') return 'it is "@"'
  if (ref.includes('..')) return 'it contains ".."'
  if (ref.includes('@{')) return 'it contains "@{"'
  if (ref.startsWith('/') || ref.endsWith('/') || ref.includes('//')) return 'it has an empty path component'
  if (ref.endsWith('.')) return 'it ends with "."'
  for (const part of ref.split('/')) {
    if (part.startsWith('.')) return `its component "${part}" starts with "."`
    if (part.endsWith('.lock')) return `its component "${part}" ends with ".lock"`
  }
  return undefined
}
