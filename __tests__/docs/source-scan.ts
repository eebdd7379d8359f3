// Facts read from the sources, so docs and templates are checked against what the code does rather than
// against a second hand-written list: which CodePipeline operations each action can call, and which
// configuration properties the poll action reads.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'

export const ROOT = resolve(import.meta.dirname, '..', '..')
const CLIENT = resolve(ROOT, 'src/aws/codepipeline.ts')

/** Every source file an entry point can load: static imports, re-exports and dynamic import() of relative paths. */
export function reachableFiles(entry: string): string[] {
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    const specifiers = [
      ...text.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'/g),
      ...text.matchAll(/\bimport\s*\(\s*'(\.{1,2}\/[^']+)'\s*\)/g),
      ...text.matchAll(/^import\s+'(\.{1,2}\/[^']+)'/gm)
    ].map(m => m[1])
    for (const spec of specifiers) {
      const target = resolve(dirname(file), spec)
      if (!existsSync(target))
        throw new Error(`${relative(ROOT, file)} imports ${spec}, which does not exist`)
      visit(target)
    }
  }
  visit(resolve(ROOT, entry))
  return [...seen].sort()
}

/**
 * Method of the CodePipeline client class → the API operations it sends, read from src/aws/codepipeline.ts: its
 * own `this.call('<Operation>', …)` and those of the methods it calls (`putJobResult` → both Put*Result).
 */
export function clientOperations(): Map<string, string[]> {
  const text = readFileSync(CLIENT, 'utf8')
  const heads = [
    ...text.matchAll(
      /^ {2}(?:(?:public|private|protected|static|override|async)\s+)*(\w+)\s*(?:<[^>]*>)?\(/gm
    )
  ].filter(h => !['constructor', 'if', 'for', 'switch', 'return'].includes(h[1]))
  const direct = new Map<string, { ops: Set<string>; calls: Set<string> }>()
  heads.forEach((head, i) => {
    const body = text.slice(head.index, heads[i + 1]?.index ?? text.length)
    direct.set(head[1], {
      ops: new Set([...body.matchAll(/this\.call(?:<[^>]*>)?\(\s*'(\w+)'/g)].map(m => m[1])),
      calls: new Set([...body.matchAll(/this\.(\w+)\(/g)].map(m => m[1]).filter(m => m !== head[1]))
    })
  })
  const resolve = (method: string, seen = new Set<string>()): Set<string> => {
    const entry = direct.get(method)
    if (!entry || seen.has(method)) return new Set()
    seen.add(method)
    const ops = new Set(entry.ops)
    for (const callee of entry.calls) for (const op of resolve(callee, seen)) ops.add(op)
    return ops
  }
  const methods = new Map<string, string[]>()
  for (const name of direct.keys()) {
    const ops = [...resolve(name)].sort()
    if (ops.length) methods.set(name, ops)
  }
  if (methods.size === 0)
    throw new Error('found no CodePipeline operations in src/aws/codepipeline.ts: update this scan')
  return methods
}

/** The CodePipeline operations the action whose entry point is `entry` can call. */
export function operationsCalledFrom(entry: string): string[] {
  const methods = clientOperations()
  const called = new Set<string>()
  for (const file of reachableFiles(entry)) {
    if (file === CLIENT) continue
    const text = readFileSync(file, 'utf8')
    for (const [method, operations] of methods)
      if (new RegExp(`\\.${method}\\(`).test(text)) for (const op of operations) called.add(op)
  }
  return [...called].sort()
}

/** Keys of a job's actionConfiguration.configuration that the poll action reads. */
export function configurationPropertiesRead(entry = 'src/poll/index.ts'): string[] {
  const names = new Set<string>()
  for (const file of reachableFiles(entry)) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/\bconfiguration(?:\?)?\.([A-Z]\w*)/g)) names.add(m[1])
    for (const m of text.matchAll(/\bconfiguration(?:\?\.)?\[\s*'([A-Za-z]\w*)'\s*\]/g)) names.add(m[1])
  }
  return [...names].sort()
}
