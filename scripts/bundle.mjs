// Builds one self-contained bundle per action entry point into dist/<name>/ (the runner executes these).
// Dynamic import()s become separate chunks, so each path loads only the code it needs. Each bundle is built
// aside and swapped in only when it compiled, so a failed build never leaves dist/ half-deleted.
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const entries = { report: 'src/report/index.ts', poll: 'src/poll/index.ts' }

const staging = mkdtempSync(join(tmpdir(), 'bundle-'))
try {
  for (const [name, entry] of Object.entries(entries)) {
    execFileSync('ncc', ['build', entry, '-o', join(staging, name), '--license', 'licenses.txt', '-q'], {
      stdio: 'inherit'
    })
  }
  rmSync('dist', { recursive: true, force: true })
  renameSync(staging, 'dist')
  chmodSync('dist', 0o755)
} finally {
  rmSync(staging, { recursive: true, force: true })
}
