import { parseOutputVariables } from '../../src/report/output-variables.ts'

test('KEY=value lines, blank lines skipped, values keep = and spaces', () => {
  expect(parseOutputVariables('IMAGE_TAG=v1.2\n\nURL=https://x/?a=b \r\nEMPTY=')).toEqual({
    IMAGE_TAG: 'v1.2',
    URL: 'https://x/?a=b ',
    EMPTY: ''
  })
})

test('a JSON object is accepted; numbers and booleans become strings', () => {
  expect(parseOutputVariables('{"A": "x", "B": 2, "C": true}')).toEqual({ A: 'x', B: '2', C: 'true' })
})

test('empty input means no variables', () => {
  expect(parseOutputVariables('  ')).toBeUndefined()
})

test.each([
  ['no equals sign', /line 1 is "no equals sign"; write one KEY=value per line/],
  ['=value', /line 1/],
  ['BAD NAME=1', /"BAD NAME" is not a valid variable name; use letters, digits and @ - _ only/],
  ['A=1\nA=2', /sets "A" twice/],
  ['{"A": {"nested": 1}}', /value of "A" is not a string/],
  ['[1]', /must be an object/],
  ['{nope', /looks like JSON but does not parse/]
])('rejects %j', (raw, message) => {
  expect(() => parseOutputVariables(raw)).toThrow(message)
})

test('the total size limit counts names and values in UTF-8 bytes', () => {
  const fits = `A=${'x'.repeat(122880 - 1)}`
  expect(parseOutputVariables(fits)).toBeDefined()
  expect(() => parseOutputVariables(`A=${'é'.repeat(61440)}`)).toThrow(
    /total 122881 bytes; CodePipeline allows 122880/
  )
})

test('a JSON syntax error never quotes the text, which may hold a secret', () => {
  expect(() => parseOutputVariables('{"TOKEN": s3cr3t-value}')).toThrow(/does not parse: Unexpected token/)
  expect(() => parseOutputVariables('{"TOKEN": s3cr3t-value}')).not.toThrow(/s3cr3t/)
})
