// Builds one self-contained bundle per action entry point into dist/<name>/ (the runner executes these).
// Dynamic import()s become separate chunks, so each path loads only the code it needs.
import { execFileSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'

const entries = { report: 'src/report/index.ts', poll: 'src/poll/index.ts' }

rmSync('dist', { recursive: true, force: true })
for (const [name, entry] of Object.entries(entries)) {
  if (!existsSync(entry)) continue
  execFileSync('ncc', ['build', entry, '-o', `dist/${name}`, '--license', 'licenses.txt', '-q'], {
    stdio: 'inherit'
  })
}
