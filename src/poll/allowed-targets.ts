import { UserError } from '../errors.ts'
import { inputLines } from '../inputs.ts'

// Which workflows the poller may start. Whoever can edit a pipeline chooses Repository, Workflow and Ref; without
// this list the poller's token would start any workflow it can reach. Pure: patterns in, a verdict out.

/** One allowed-targets line: `owner/repo`, `owner/repo/workflow-file` or `owner/repo/workflow-file@ref`. */
export interface TargetPattern {
  text: string
  /** The repository, when the line names one without wildcards: one whose runs can be listed. */
  repository?: { owner: string; repo: string }
  owner: RegExp
  repo: RegExp
  workflow?: RegExp
  ref?: RegExp
}

export interface Candidate {
  owner: string
  repo: string
  workflow?: string
  /** Absent while unknown (the repository's default branch is read later). */
  ref?: string
}

const LINE = /^([^/@\s]+)\/([^/@\s]+)(?:\/([^/@\s]+))?(?:@(\S+))?$/

/** `*` matches within one part only; owners and repositories compare case-insensitively, as GitHub does. */
function part(pattern: string, flags = ''): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')
  return new RegExp(`^${escaped}$`, flags)
}

/** A branch given as refs/heads/x or x is the same branch. */
function shortRef(ref: string): string {
  return ref.replace(/^refs\/heads\//, '')
}

export function parseAllowedTargets(raw: string, ownRepository: string): TargetPattern[] {
  const lines = inputLines(raw)
  // Empty: only workflows of the poller's own repository, any workflow, any ref.
  if (!lines.length) lines.push({ text: ownRepository, number: 1 })
  return lines.map(({ text: line, number }) => {
    const match = LINE.exec(line)
    if (!match) {
      throw new UserError(
        `allowed-targets line ${number} is "${line}"; write owner/repo, owner/repo/workflow-file or ` +
          'owner/repo/workflow-file@ref, one a line (* matches within one part, e.g. octo-org/*/deploy.yml@main).'
      )
    }
    const [, owner, repo, workflow, ref] = match
    return {
      text: line,
      ...(owner.includes('*') || repo.includes('*') ? {} : { repository: { owner, repo } }),
      owner: part(owner, 'i'),
      repo: part(repo, 'i'),
      ...(workflow ? { workflow: part(workflow) } : {}),
      ...(ref ? { ref: part(shortRef(ref)) } : {})
    }
  })
}

function matches(pattern: TargetPattern, target: Candidate): boolean {
  if (!pattern.owner.test(target.owner) || !pattern.repo.test(target.repo)) return false
  if (pattern.workflow && target.workflow !== undefined && !pattern.workflow.test(target.workflow))
    return false
  if (pattern.ref && target.ref !== undefined && !pattern.ref.test(shortRef(target.ref))) return false
  return true
}

/**
 * Whether some line allows the target. A part of the target that is still unknown (the ref before the default
 * branch is read, the workflow of a run before it is read) matches any pattern; check again once it is known.
 */
export function isAllowed(patterns: TargetPattern[], target: Candidate): boolean {
  return patterns.some(pattern => matches(pattern, target))
}

/** The refusal CodePipeline shows: the target, and the line that would allow it. */
export function notAllowed(target: Candidate): string {
  const name = `${target.owner}/${target.repo}${target.workflow ? `/${target.workflow}` : ''}`
  const at = target.ref ? `@${shortRef(target.ref)}` : ''
  return (
    `The poll action may not start ${name}${at}: it is not in the poll action's allowed-targets (which, when empty, ` +
    `allows only the poller's own repository). If this pipeline should start it, add the line "${name}${at}" ` +
    '(or a pattern such as owner/repo/*) to allowed-targets in the poll workflow.'
  )
}
