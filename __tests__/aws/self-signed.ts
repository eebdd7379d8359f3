// A self-signed certificate made at test time, so the TLS tests need no key in the repository and no openssl:
// an ECDSA P-256 key from node:crypto and a minimal X.509 v3 certificate written out in DER by hand.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto'

function der(tag: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts)
  const n = body.length
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]
  return Buffer.concat([Buffer.from([tag, ...length]), body])
}

const sequence = (...parts: Buffer[]) => der(0x30, ...parts)

function oid(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split('.').map(Number)
  const bytes = [40 * first + second]
  for (const value of rest) {
    const groups = [value & 0x7f]
    for (let v = value >> 7; v > 0; v >>= 7) groups.unshift((v & 0x7f) | 0x80)
    bytes.push(...groups)
  }
  return der(0x06, Buffer.from(bytes))
}

/** UTCTime, YYMMDDHHMMSSZ. */
const utcTime = (at: Date) =>
  der(0x17, Buffer.from(`${at.toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`))

const ECDSA_WITH_SHA256 = sequence(oid('1.2.840.10045.4.3.2'))
const TRUE = der(0x01, Buffer.from([0xff]))

export interface SelfSigned {
  key: string
  cert: string
}

/** A certificate for `names` (DNS subject alternative names), valid from an hour ago for a day. */
export function selfSigned(names: string[]): SelfSigned {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const name = sequence(der(0x31, sequence(oid('2.5.4.3'), der(0x0c, Buffer.from(names[0])))))
  const serial = randomBytes(8)
  serial[0] &= 0x7f
  const now = Date.now()
  const extensions = sequence(
    sequence(oid('2.5.29.19'), TRUE, der(0x04, sequence(TRUE))), // basicConstraints: CA, so it is its own anchor
    sequence(oid('2.5.29.17'), der(0x04, sequence(...names.map(n => der(0x82, Buffer.from(n))))))
  )
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))), // v3
    der(0x02, serial),
    ECDSA_WITH_SHA256,
    name,
    sequence(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + 86400_000))),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, extensions)
  )
  const signature = sign('sha256', tbs, privateKey)
  const certificate = sequence(tbs, ECDSA_WITH_SHA256, der(0x03, Buffer.from([0]), signature))
  const base64 = certificate.toString('base64').replace(/.{64}/g, '$&\n')
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    cert: `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`
  }
}
