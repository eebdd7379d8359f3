import { describe, expect, it } from '@jest/globals'
import { ArtifactError } from '../../src/artifacts/artifact-error.ts'
import { entryTarget, fileMode, inputDestinations, isInside, isSymlink } from '../../src/artifacts/layout.ts'

describe('inputDestinations', () => {
  it('puts one artifact straight into the directory', () => {
    expect(inputDestinations('/w/src', ['SourceArtifact'])).toEqual([
      { name: 'SourceArtifact', dir: '/w/src' }
    ])
  })
  it('puts several into one sub-directory each, named after the artifact', () => {
    expect(inputDestinations('/w/src', ['App', 'Config'])).toEqual([
      { name: 'App', dir: '/w/src/App' },
      { name: 'Config', dir: '/w/src/Config' }
    ])
  })
})

describe('entryTarget', () => {
  it('resolves entries inside the directory', () => {
    expect(entryTarget('/w/src', 'a/b.txt', 'Src')).toBe('/w/src/a/b.txt')
    expect(entryTarget('/w/src', 'a/../b.txt', 'Src')).toBe('/w/src/b.txt')
    expect(entryTarget('/w/src', './', 'Src')).toBe('/w/src')
    expect(entryTarget('/w/src', '..foo/x', 'Src')).toBe('/w/src/..foo/x')
  })

  it.each(['../evil.txt', 'a/../../evil.txt', '/etc/passwd', '..'])(
    'refuses %s, naming the artifact and the entry',
    name => {
      expect(() => entryTarget('/w/src', name, 'Src')).toThrow(ArtifactError)
      expect(() => entryTarget('/w/src', name, 'Src')).toThrow(
        `Input artifact "Src": refusing its ZIP entry "${name}", which would be written outside /w/src`
      )
    }
  )

  it('does not take a sibling with the same prefix for the inside', () => {
    expect(isInside('/w/src', '/w/src-other/x')).toBe(false)
    expect(isInside('/w/src', '/w/src/x')).toBe(true)
  })
})

describe('ZIP attributes', () => {
  // Unix zip tools keep st_mode in the high 16 bits of the external attributes.
  const attributes = (mode: number) => (mode << 16) >>> 0
  it('tells symbolic links from files and directories', () => {
    expect(isSymlink(attributes(0o120777))).toBe(true)
    expect(isSymlink(attributes(0o100644))).toBe(false)
    expect(isSymlink(attributes(0o040755))).toBe(false)
    expect(isSymlink(0x10)).toBe(false) // MS-DOS directory bit, no Unix mode
  })
  it('keeps the executable bit, and nothing stranger', () => {
    expect(fileMode(attributes(0o100755))).toBe(0o755)
    expect(fileMode(attributes(0o104711))).toBe(0o755)
    expect(fileMode(attributes(0o100600))).toBe(0o644)
    expect(fileMode(0)).toBe(0o644)
  })
})
