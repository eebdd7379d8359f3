// Builds one self-contained bundle per action entry point into dist/<name>/ (the runner executes these).
// Dynamic import()s become separate chunks, so each path loads only the code it needs. The bundles are built
// in a staging folder inside the repository (a rename across file systems would fail) and swapped in only
// when all of them compiled, so a failed build never leaves dist/ half-deleted.
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const entries = { report: 'src/report/index.ts', poll: 'src/poll/index.ts' }

const staging = mkdtempSync('.dist-')
const previous = `${staging}-previous`
try {
  for (const [name, entry] of Object.entries(entries)) {
    execFileSync('ncc', ['build', entry, '-o', join(staging, name), '--license', 'licenses.txt', '-q'], {
      stdio: 'inherit'
    })
  }
  chmodSync(staging, 0o755)
  if (existsSync('dist')) renameSync('dist', previous)
  try {
    renameSync(staging, 'dist')
  } catch (error) {
    if (existsSync(previous)) renameSync(previous, 'dist')
    throw error
  }
  rmSync(previous, { recursive: true, force: true })
} finally {
  rmSync(staging, { recursive: true, force: true })
}
