import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CodePipeline } from './codepipeline.ts'
import { Faults } from './faults.ts'
import { GitHub } from './github.ts'
import { newRequestId, readBody, sleep } from './http.ts'
import type { RecordedRequest, Reply, ServiceHandler } from './http.ts'
import { OidcProvider } from './oidc.ts'
import { S3 } from './s3.ts'
import { Artifacts } from './s3-artifacts.ts'
import { Sts } from './sts.ts'
import { WakeUps } from './wakeup.ts'

export type { RecordedRequest } from './http.ts'
export type { FaultSpec } from './faults.ts'
export type { BucketOptions, S3Refusal, S3Request, SseHeaders, StoredObject } from './s3.ts'
export type { ArtifactJobInit, InputArtifactInit, OutputArtifactInit } from './s3-artifacts.ts'
export type { Job, JobInit, JobState } from './codepipeline-jobs.ts'
export type { ActionStateChange, PipelineStop } from './codepipeline-executions.ts'
export type { Cancellation, Conclusion, Run, RunInit, JobInit as GitHubJobInit } from './github-types.ts'
export type { ActionType, ActionTypeId, PropertyInit } from './action-types.ts'
export type { WakeUp, WakeUpDelivery, WakeUpInit } from './wakeup.ts'

export interface EmulatorOptions {
  /** Added before every request is handled, to make benchmarks feel a network. */
  latencyMs?: number
  /** First of four consecutive ports (CodePipeline, STS, GitHub, OIDC); S3 takes port + 5; random ports when absent. */
  port?: number
  region?: string
  accountId?: string
  /** Play a GitHub Enterprise host instead of github.com (githubHost() makes these from a host name). */
  github?: GitHubHostOptions
}

export interface GitHubHostOptions {
  /** The web host, GITHUB_SERVER_URL: html_url links and the default OIDC audience (default https://github.com). */
  serverUrl?: string
  /** The REST API's base path on its port, e.g. /api/v3 as on GitHub Enterprise Server (default: none). */
  apiPath?: string
  /** The tokens' `iss`, and so the one OIDC provider STS knows (default github.com's). */
  oidcIssuer?: string
}

/**
 * What a host name means, as GitHub lays its hosts out: OCTO.ghe.com (GHE.com) has its API at the root of
 * api.OCTO.ghe.com and its tokens from https://token.actions.OCTO.ghe.com; any other host is a GitHub Enterprise
 * Server, with its API under /api/v3 and its tokens from https://HOST/_services/token.
 */
export function githubHost(host: string): Required<GitHubHostOptions> {
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(host)) throw new Error(`not a host name: ${host}`)
  const ghe = /^([a-z0-9-]+)\.ghe\.com$/i.exec(host)
  if (ghe)
    return {
      serverUrl: `https://${host}`,
      apiPath: '',
      oidcIssuer: `https://token.actions.${ghe[1]}.ghe.com`
    }
  return { serverUrl: `https://${host}`, apiPath: '/api/v3', oidcIssuer: `https://${host}/_services/token` }
}

export interface Emulator {
  env: Record<string, string>
  urls: { codepipeline: string; sts: string; github: string; oidc: string; s3: string }
  requests: RecordedRequest[]
  codepipeline: CodePipeline
  sts: Sts
  github: GitHub
  oidc: OidcProvider
  faults: Faults
  /** The artifact store (S3 object operations; only jobs' artifact credentials may use it). */
  s3: S3
  /** Jobs with input artifacts stored in S3 and output artifact locations; what was uploaded to them. */
  artifacts: Artifacts
  /**
   * EventBridge waking the poller when a job is queued (configure(), forJob()) and, with the stop rule, when an
   * action execution is abandoned or cancelled (configureStop(), forStop()); deliveries, next().
   */
  wakeUp: WakeUps
  region: string
  close(): Promise<void>
}

function serve(
  handler: ServiceHandler,
  requests: RecordedRequest[],
  faults: Faults,
  latencyMs: number
): Server {
  return createServer((req, res) => {
    handleOne(handler, requests, faults, latencyMs, req, res).catch(e => {
      // A client that went away mid-request must not take the emulator down with it.
      console.error(`emulator: ${handler.service} request failed:`, e)
      res.destroy()
    })
  })
}

async function handleOne(
  handler: ServiceHandler,
  requests: RecordedRequest[],
  faults: Faults,
  latencyMs: number,
  req: IncomingMessage,
  res: ServerResponse
): Promise<void> {
  const raw = await readBody(req)
  const { operation, body } = handler.identify(req, raw)
  const path = new URL(req.url ?? '/', 'http://x').pathname
  const record: RecordedRequest = {
    service: handler.service,
    operation,
    method: req.method ?? 'GET',
    path,
    headers: req.headers,
    body,
    status: 0,
    requestId: newRequestId(),
    at: new Date()
  }
  requests.push(record)
  if (latencyMs > 0) await sleep(latencyMs)
  const fault = faults.take(handler.service, [operation, `${record.method} ${path}`])
  if (fault) record.fault = fault.kind
  if (fault?.kind === 'delay') await sleep(fault.delayMs ?? 0)
  if (fault?.kind === 'drop') {
    req.socket.destroy()
    return
  }
  let reply: Reply
  try {
    reply =
      fault?.kind === 'throttle' || fault?.kind === 'server-error'
        ? handler.fault(fault.kind, record, fault.status, fault.retryAfterSeconds)
        : await handler.handle(req, record, raw)
  } catch (e) {
    // Plain text, not an AWS- or GitHub-shaped body, so nobody mistakes an emulator bug for a service answer.
    console.error(`emulator: ${handler.service} ${operation} crashed:`, e)
    reply = {
      status: 500,
      headers: { 'content-type': 'text/plain' },
      body: `emulator crashed: ${String(e)}`
    }
  }
  const idHeader = handler.service === 'github' ? 'x-github-request-id' : 'x-amzn-requestid'
  record.status = reply.status
  res.writeHead(reply.status, { [idHeader]: record.requestId, ...reply.headers })
  res.end(reply.body ?? '')
}

function listen(server: Server, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)
    })
  })
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const region = options.region ?? 'eu-west-1'
  const requests: RecordedRequest[] = []
  const faults = new Faults()
  const oidc = new OidcProvider()
  const sts = new Sts(oidc)
  const codepipeline = new CodePipeline(region, options.accountId ?? '123456789012', sts)
  const github = new GitHub()
  github.serverUrl = options.github?.serverUrl ?? github.serverUrl
  github.apiPath = options.github?.apiPath ?? ''
  oidc.serverUrl = github.serverUrl
  oidc.issuer = options.github?.oidcIssuer ?? oidc.issuer
  const wakeUp = new WakeUps(github)
  codepipeline.queuedListeners.push(job => wakeUp.jobQueued(job))
  codepipeline.executions.stateListeners.push(change => wakeUp.actionStateChanged(change))
  const handlers: ServiceHandler[] = [codepipeline, sts, github, oidc]
  const servers = handlers.map(h => serve(h, requests, faults, options.latencyMs ?? 0))
  const s3 = new S3({
    region,
    accountId: options.accountId ?? '123456789012',
    faults,
    requests,
    jobs: codepipeline,
    principals: sts,
    latencyMs: options.latencyMs
  })
  const artifacts = new Artifacts(s3, codepipeline)
  const close = async (): Promise<void> => {
    await s3.close()
    wakeUp.close()
    await Promise.all(
      servers.map(
        s =>
          new Promise<void>(resolve => {
            if (!s.listening) return resolve()
            s.close(() => resolve())
            s.closeAllConnections()
          })
      )
    )
  }
  let urls: string[]
  try {
    urls = []
    for (const [i, s] of servers.entries()) urls.push(await listen(s, options.port ? options.port + i : 0))
    // port + 4 is the CLI's admin API.
    urls.push(await s3.listen(options.port ? options.port + 5 : 0))
  } catch (e) {
    await close()
    throw e
  }
  const [cpUrl, stsUrl, githubUrl, oidcUrl, s3Url] = urls
  github.apiUrl = githubUrl + github.apiPath
  return {
    env: {
      AWS_ENDPOINT_URL_CODEPIPELINE: cpUrl,
      AWS_ENDPOINT_URL_STS: stsUrl,
      AWS_ENDPOINT_URL_S3: s3Url,
      GITHUB_API_URL: github.apiUrl,
      GITHUB_SERVER_URL: github.serverUrl,
      ACTIONS_ID_TOKEN_REQUEST_URL: `${oidcUrl}/oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken,
      AWS_REGION: region,
      AWS_EC2_METADATA_DISABLED: 'true'
    },
    urls: { codepipeline: cpUrl, sts: stsUrl, github: github.apiUrl, oidc: oidcUrl, s3: s3Url },
    requests,
    codepipeline,
    sts,
    github,
    oidc,
    faults,
    s3,
    artifacts,
    wakeUp,
    region,
    close
  }
}
