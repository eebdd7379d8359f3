// Small pieces of emulator/cli.ts that turn a user's mistake into one line on stderr instead of a stack trace.

/** Runs `parse`, and exits with its message (an unknown or malformed option) rather than a stack trace. */
export function cliFailure<T>(parse: () => T): T {
  try {
    return parse()
  } catch (e) {
    console.error(`emulator: ${e instanceof Error ? e.message : String(e)} (see npm run emulator -- --help)`)
    process.exit(2)
  }
}

/** Exits with one line when a port is taken; any other failure is the emulator's own and keeps its stack. */
export function portInUse(e: unknown): never {
  const err = e as NodeJS.ErrnoException & { port?: number }
  if (err?.code === 'EADDRINUSE') {
    console.error(
      `emulator: port ${err.port ?? '?'} is in use; start on other ports with --port <base> ` +
        '(the emulator takes a few consecutive ports from <base>)'
    )
    process.exit(1)
  }
  throw e
}

/** `[owner/repo/]file.yml[@branch]` → where the wake-up dispatches. */
export function parseWakeUp(
  spec: string,
  defaultRepo: string
): { repository: string; workflow: string; ref?: string } {
  const m = /^(?:([\w.-]+\/[\w.-]+)\/)?([\w.-]+\.ya?ml)(?:@(\S+))?$/.exec(spec)
  if (!m) {
    console.error(
      `--wake-up takes [<owner>/<repo>/]<workflow file>[@<branch>], such as poll.yml or octo-org/ops/poll.yml@main; got ${spec}`
    )
    process.exit(2)
  }
  return { repository: m[1] ?? defaultRepo, workflow: m[2], ...(m[3] ? { ref: m[3] } : {}) }
}
