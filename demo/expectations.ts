// The demo's expectations: each is printed where it is checked (✓ or ✗) and tallied for the closing verdict.
import type { World } from './world.ts'

export function check(world: World, ok: boolean, text: string): void {
  const { out } = world
  if (ok) world.checks.passed++
  else world.checks.failed.push(text)
  out.line(
    `   ${ok ? out.paint('green', '✓') : out.paint('red', '✗')} ${ok ? out.paint('dim', text) : out.paint('red', text)}`
  )
}

/** Every secret the run could have printed: none may appear in the timeline. */
export function secretsOf(world: World): string[] {
  const { emu } = world
  return [
    world.dispatchToken,
    world.appRunToken,
    world.pollerRunToken,
    world.wakeUpToken,
    emu.github.token,
    emu.oidc.requestToken,
    // Every job's artifact credentials (S3 access to its artifacts): the report action masks them before any
    // S3 request, and the timeline shows only which job's credentials signed.
    ...emu.codepipeline.jobs.flatMap(j => Object.values(j.data.artifactCredentials)),
    ...emu.sts.issued.flatMap(c => [c.accessKeyId, c.secretAccessKey, c.sessionToken]),
    ...emu.oidc.issued.map(t => t.token)
  ]
}
