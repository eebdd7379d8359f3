import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { startEmulator, type Emulator } from '../../emulator/index.ts'
import { CodePipeline } from '../../src/aws/codepipeline.ts'
import { endpointUrl } from '../../src/aws/endpoints.ts'
import { UserError } from '../../src/errors.ts'
import { recorders, settings, STATIC } from './fixtures.ts'

describe('endpointUrl', () => {
  it.each([
    ['codepipeline', 'eu-west-1', 'https://codepipeline.eu-west-1.amazonaws.com/'],
    ['sts', 'us-east-1', 'https://sts.us-east-1.amazonaws.com/'],
    ['codepipeline', 'cn-north-1', 'https://codepipeline.cn-north-1.amazonaws.com.cn/'],
    ['sts', 'cn-northwest-1', 'https://sts.cn-northwest-1.amazonaws.com.cn/']
  ] as const)('%s in %s defaults to %s', (service, region, url) => {
    expect(endpointUrl(service, region, {}).href).toBe(url)
  })

  const both = {
    AWS_ENDPOINT_URL_CODEPIPELINE: 'http://127.0.0.1:4566',
    AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4567',
    AWS_ENDPOINT_URL: 'https://vpce.example.com'
  }

  it('the service variable wins over AWS_ENDPOINT_URL, which applies to the others', () => {
    expect(endpointUrl('codepipeline', 'eu-west-1', both).href).toBe('http://127.0.0.1:4566/')
    expect(endpointUrl('sts', 'eu-west-1', both).href).toBe('http://127.0.0.1:4567/')
    const generic = { AWS_ENDPOINT_URL: both.AWS_ENDPOINT_URL }
    expect(endpointUrl('sts', 'eu-west-1', generic).href).toBe('https://vpce.example.com/')
  })

  it('an empty variable counts as unset', () => {
    const env = { AWS_ENDPOINT_URL_STS: '', AWS_ENDPOINT_URL: 'http://localhost:9000' }
    expect(endpointUrl('sts', 'eu-west-1', env).href).toBe('http://localhost:9000/')
  })

  it.each(['true', 'TRUE'])('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=%s ignores them all', value => {
    const env = { ...both, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: value }
    expect(endpointUrl('codepipeline', 'eu-west-1', env).href).toBe(
      'https://codepipeline.eu-west-1.amazonaws.com/'
    )
    expect(endpointUrl('sts', 'eu-west-1', env).href).toBe('https://sts.eu-west-1.amazonaws.com/')
  })

  it('keeps a base path, drops a query string (requests are signed without one)', () => {
    const env = { AWS_ENDPOINT_URL: 'https://proxy.example.com/aws/?x=1#f' }
    expect(endpointUrl('sts', 'eu-west-1', env).href).toBe('https://proxy.example.com/aws/')
  })

  it.each([
    ['not a url', 'AWS_ENDPOINT_URL_CODEPIPELINE is "not a url", which is not a URL'],
    ['ftp://host', 'AWS_ENDPOINT_URL_CODEPIPELINE is "ftp://host"; use an http:// or https:// URL.']
  ])('%s is a UserError naming the variable', (value, message) => {
    const call = () => endpointUrl('codepipeline', 'eu-west-1', { AWS_ENDPOINT_URL_CODEPIPELINE: value })
    expect(call).toThrow(UserError)
    expect(call).toThrow(message)
  })
})

describe('AWS_ENDPOINT_URL alone reaches the emulator', () => {
  let emu: Emulator
  beforeEach(async () => {
    emu = await startEmulator()
  })
  afterEach(() => emu.close())

  it('signed for the region, whatever the host', async () => {
    emu.sts.addStaticCredentials(STATIC)
    const env = { AWS_ENDPOINT_URL: emu.urls.codepipeline }
    const cp = new CodePipeline(settings(emu), STATIC, { ...recorders(), env })
    try {
      await cp.getJobDetails(emu.codepipeline.addJob().id)
    } finally {
      cp.destroy()
    }
    expect(emu.requests.map(r => r.status)).toEqual([200])
  })
})
