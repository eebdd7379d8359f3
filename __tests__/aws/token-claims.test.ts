// The claims an AccessDenied names (iss, sub, aud), read from a token without ever returning the token.
import { describe, expect, it } from '@jest/globals'
import { conditionKeyPrefix, tokenClaims } from '../../src/aws/token-claims.ts'

const jwt = (payload: unknown) =>
  `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2ln`

describe('tokenClaims', () => {
  it('reads iss, sub and aud (one or several), and nothing else', () => {
    const claims = tokenClaims(
      jwt({
        iss: 'https://github.example.com/_services/token',
        sub: 'repo:o/r:ref:refs/heads/main',
        aud: 'a',
        x: 1
      })
    )
    expect(claims).toEqual({
      iss: 'https://github.example.com/_services/token',
      sub: 'repo:o/r:ref:refs/heads/main',
      aud: ['a']
    })
    expect(tokenClaims(jwt({ aud: ['a', 'b', 3] })).aud).toEqual(['a', 'b'])
    expect(conditionKeyPrefix(claims)).toBe('github.example.com/_services/token')
  })

  it('gives nothing for what is not a JWT or not a claim set', () => {
    for (const token of ['', 'abc', 'a.!!!.c', jwt('text'), jwt(null), jwt([1])])
      expect([token, tokenClaims(token)]).toEqual([token, { aud: [] }])
    expect(conditionKeyPrefix({ aud: [] })).toBeUndefined()
    // An oversized claim is not repeated into an error message.
    expect(tokenClaims(jwt({ sub: 'x'.repeat(1001) })).sub).toBeUndefined()
  })
})
