// The S3 verifier and aws-chunked decoder against published values, not against the SDK they judge: the
// examples of the Amazon S3 "Authenticating Requests (AWS Signature Version 4)" pages (GET/PUT Object, GET
// bucket lifecycle, list objects, and the chunked PUT of 66560 bytes) and the CRC catalogue's check values.
import { Readable } from 'node:stream'
import { describe, expect, it } from '@jest/globals'
import { AwsChunkedDecoder } from '../../emulator/s3-chunked.ts'
import { checksumOf } from '../../emulator/s3-checksums.ts'
import { verifyS3Request } from '../../emulator/s3-sigv4.ts'
import type { S3AuthResult, S3SigningContext } from '../../emulator/s3-sigv4.ts'
import { S3Error } from '../../emulator/s3-xml.ts'

const KEY = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
}
const AT = Date.UTC(2013, 4, 24)
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
const lookup = (id: string) => (id === KEY.accessKeyId ? { secretAccessKey: KEY.secretAccessKey } : undefined)

function request(
  method: string,
  url: string,
  headers: Record<string, string>,
  signed: string[],
  signature: string
): { method: string; url: string; headers: Record<string, string> } {
  return {
    method,
    url,
    headers: {
      ...headers,
      authorization:
        `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/20130524/us-east-1/s3/aws4_request,` +
        `SignedHeaders=${signed.join(';')},Signature=${signature}`
    }
  }
}

const dated = {
  host: 'examplebucket.s3.amazonaws.com',
  'x-amz-content-sha256': EMPTY,
  'x-amz-date': '20130524T000000Z'
}
const put = {
  date: 'Fri, 24 May 2013 00:00:00 GMT',
  host: 'examplebucket.s3.amazonaws.com',
  'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
  'x-amz-date': '20130524T000000Z',
  'x-amz-storage-class': 'REDUCED_REDUNDANCY'
}
const putSigned = ['date', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-storage-class']
const PUT_SIG = '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd'

describe('S3 SigV4 verifier against the published examples', () => {
  it.each([
    [
      'GET Object with a range',
      request(
        'GET',
        '/test.txt',
        { ...dated, range: 'bytes=0-9' },
        ['host', 'range', 'x-amz-content-sha256', 'x-amz-date'],
        'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'
      )
    ],
    ['PUT Object, key with $ sent encoded', request('PUT', '/test%24file.text', put, putSigned, PUT_SIG)],
    ['PUT Object, key with $ sent as is', request('PUT', '/test$file.text', put, putSigned, PUT_SIG)],
    [
      'GET bucket lifecycle (a valueless query parameter)',
      request(
        'GET',
        '/?lifecycle',
        dated,
        ['host', 'x-amz-content-sha256', 'x-amz-date'],
        'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543'
      )
    ],
    [
      'list objects (query parameters sorted)',
      request(
        'GET',
        '/?prefix=J&max-keys=2',
        dated,
        ['host', 'x-amz-content-sha256', 'x-amz-date'],
        '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7'
      )
    ]
  ])('%s verifies', (_name, req) => {
    expect(verifyS3Request(req, { region: 'us-east-1' }, lookup, AT)).toMatchObject({
      ok: true,
      context: { accessKeyId: KEY.accessKeyId }
    })
  })

  it('refuses what S3 refuses, with S3’s codes', () => {
    const check = (req: ReturnType<typeof request>, now = AT): S3AuthResult =>
      verifyS3Request(req, { region: 'us-east-1' }, lookup, now)
    const ok = request('PUT', '/test%24file.text', put, putSigned, PUT_SIG)
    expect(check({ ...ok, url: '/test%24file.txt' })).toMatchObject({
      ok: false,
      status: 403,
      code: 'SignatureDoesNotMatch',
      fields: { CanonicalRequest: expect.stringContaining('/test%24file.txt') }
    })
    expect(check(ok, AT + 16 * 60_000)).toMatchObject({ status: 403, code: 'RequestTimeTooSkewed' })
    expect(check({ ...ok, headers: { ...ok.headers, 'x-amz-meta-extra': 'x' } })).toMatchObject({
      status: 403,
      code: 'AccessDenied',
      fields: { HeadersNotSigned: 'x-amz-meta-extra' }
    })
    const noHash = { ...ok, headers: { ...ok.headers } as Record<string, string> }
    delete noHash.headers['x-amz-content-sha256']
    expect(check(noHash)).toMatchObject({ status: 400, code: 'InvalidRequest' })
    expect(verifyS3Request(ok, { region: 'eu-west-1' }, lookup, AT)).toMatchObject({
      status: 400,
      code: 'AuthorizationHeaderMalformed',
      fields: { Region: 'eu-west-1' }
    })
    expect(verifyS3Request(ok, { region: 'us-east-1' }, () => undefined, AT)).toMatchObject({
      status: 403,
      code: 'InvalidAccessKeyId'
    })
    expect(
      verifyS3Request(ok, { region: 'us-east-1' }, () => ({ ...KEY, sessionToken: 'token' }), AT)
    ).toMatchObject({ status: 400, code: 'InvalidToken' })
  })
})

// The documented chunked upload: 66560 bytes of 'a' in a 64 KiB chunk, a 1 KiB chunk and the empty final chunk.
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9'
const CHUNK_SIGS = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9'
]

function chunkedExample(corrupt = false): Buffer {
  const parts: Buffer[] = []
  for (const [i, size] of [65536, 1024, 0].entries()) {
    const data = Buffer.alloc(size, 'a')
    if (corrupt && size === 1024) data[10] = 0x62
    parts.push(
      Buffer.from(`${size.toString(16)};chunk-signature=${CHUNK_SIGS[i]}\r\n`),
      data,
      Buffer.from('\r\n')
    )
  }
  return Buffer.concat(parts)
}

function chunkedContext(): S3SigningContext {
  const result = verifyS3Request(
    request(
      'PUT',
      '/examplebucket/chunkObject.txt',
      {
        host: 's3.amazonaws.com',
        'x-amz-date': '20130524T000000Z',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
        'content-encoding': 'aws-chunked',
        'x-amz-decoded-content-length': '66560',
        'content-length': '66824'
      },
      [
        'content-encoding',
        'content-length',
        'host',
        'x-amz-content-sha256',
        'x-amz-date',
        'x-amz-decoded-content-length',
        'x-amz-storage-class'
      ],
      SEED
    ),
    { region: 'us-east-1' },
    lookup,
    AT
  )
  if (!result.ok) throw new Error(`seed signature refused: ${result.code} ${result.message}`)
  return result.context
}

async function decode(body: Buffer, piece: number, decoder: AwsChunkedDecoder): Promise<Buffer> {
  const pieces: Buffer[] = []
  for (let i = 0; i < body.length; i += piece) pieces.push(body.subarray(i, i + piece))
  const out: Buffer[] = []
  for await (const c of Readable.from(pieces).pipe(decoder)) out.push(c as Buffer)
  return Buffer.concat(out)
}

describe('aws-chunked bodies', () => {
  it('the documented signed chunks verify, whatever pieces the body arrives in', async () => {
    const ctx = chunkedContext()
    expect(ctx.seedSignature).toBe(SEED)
    expect(chunkedExample().length).toBe(66824)
    for (const piece of [1, 7, 4096, 70000]) {
      const decoder = new AwsChunkedDecoder({ signed: true, signedTrailer: false, context: ctx })
      const data = await decode(chunkedExample(), piece, decoder)
      expect(data.equals(Buffer.alloc(66560, 'a'))).toBe(true)
      expect(decoder.chunkSizes).toEqual([65536, 1024])
    }
  })

  it('a changed byte breaks the chunk signature; a cut body is incomplete', async () => {
    const signed = () =>
      new AwsChunkedDecoder({ signed: true, signedTrailer: false, context: chunkedContext() })
    await expect(decode(chunkedExample(true), 4096, signed())).rejects.toMatchObject({
      code: 'SignatureDoesNotMatch',
      status: 403
    })
    await expect(decode(chunkedExample().subarray(0, 60000), 4096, signed())).rejects.toBeInstanceOf(S3Error)
    await expect(decode(chunkedExample().subarray(0, 60000), 4096, signed())).rejects.toMatchObject({
      code: 'IncompleteBody'
    })
  })

  it('an unsigned body with a trailer gives its data and trailer', async () => {
    const crc = checksumOf('CRC32', 'hello world')
    const body = Buffer.from(`6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:${crc}\r\n\r\n`)
    const decoder = new AwsChunkedDecoder({ signed: false, signedTrailer: false })
    expect((await decode(body, 3, decoder)).toString()).toBe('hello world')
    expect(decoder.trailers).toEqual({ 'x-amz-checksum-crc32': crc })
    const long = Buffer.from('3\r\nhello\r\n0\r\n\r\n')
    await expect(
      decode(long, 100, new AwsChunkedDecoder({ signed: false, signedTrailer: false }))
    ).rejects.toMatchObject({ code: 'IncompleteBody' })
  })
})

describe('checksums', () => {
  it('match the CRC catalogue check values and the SHA test vectors for "123456789"', () => {
    const hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex')
    expect(hex(checksumOf('CRC32', '123456789'))).toBe('cbf43926')
    expect(hex(checksumOf('CRC32C', '123456789'))).toBe('e3069283')
    expect(hex(checksumOf('CRC64NVME', '123456789'))).toBe('ae8b14860a799888')
    expect(hex(checksumOf('SHA1', 'abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d')
  })
})
