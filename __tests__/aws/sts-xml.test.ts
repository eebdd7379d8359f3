import { describe, expect, it } from '@jest/globals'
import { element } from '../../src/aws/sts.ts'

describe('element: the STS answer fields', () => {
  const response =
    '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n' +
    '  <AssumeRoleWithWebIdentityResult>\n    <Credentials>\n' +
    '      <AccessKeyId>ASIAEXAMPLE</AccessKeyId>\n' +
    '      <SecretAccessKey>a+b/c&amp;d&lt;e&gt;f&quot;g&apos;h&#65;&#x42;</SecretAccessKey>\n' +
    '      <SessionToken><![CDATA[token&amp;<raw>]]></SessionToken>\n' +
    '      <Expiration>2026-11-29T12:00:00Z</Expiration>\n' +
    '    </Credentials>\n    <Audience/>\n  </AssumeRoleWithWebIdentityResult>\n' +
    '</AssumeRoleWithWebIdentityResponse>'

  it('reads an element and decodes the XML entities', () => {
    expect(element(response, 'AccessKeyId')).toBe('ASIAEXAMPLE')
    expect(element(response, 'SecretAccessKey')).toBe('a+b/c&d<e>f"g\'hAB')
  })

  it('takes CDATA literally', () => {
    expect(element(response, 'SessionToken')).toBe('token&amp;<raw>')
  })

  it('an empty element is the empty string, a missing one undefined', () => {
    expect(element(response, 'Audience')).toBe('')
    expect(element(response, 'Provider')).toBeUndefined()
  })

  it('matches the whole name only, and elements with attributes', () => {
    expect(element('<CodeName>x</CodeName><Code>y</Code>', 'Code')).toBe('y')
    expect(element('<Message xml:lang="en">hi</Message>', 'Message')).toBe('hi')
  })

  it('scopes to an enclosing element', () => {
    const error =
      element('<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>', 'Error') ?? ''
    expect(element(error, 'Code')).toBe('Throttling')
  })

  it('leaves an unknown entity as it is', () => {
    expect(element('<M>&nbsp;&amp;</M>', 'M')).toBe('&nbsp;&')
  })
})
