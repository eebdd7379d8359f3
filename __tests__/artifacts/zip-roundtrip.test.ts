// The ZIP side of artifacts on real files: what zipStream makes, extractZip gives back, and what extractZip
// refuses it refuses before writing anything.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import {
  chmod,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  writeFile
} from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ArtifactError } from '../../src/artifacts/artifact-error.ts'
import { localPath } from '../../src/artifacts/output-entries.ts'
import { extractZip } from '../../src/artifacts/unzip.ts'
import { zipStream } from '../../src/artifacts/zip.ts'
import { zipNaming, zipOf } from './zips.ts'

let temp: string
beforeEach(async () => {
  temp = await mkdtemp(join(tmpdir(), 'artifacts-test-'))
})
afterEach(() => rm(temp, { recursive: true, force: true }))

async function zipTo(path: string, kind: 'file' | 'directory'): Promise<string> {
  const file = join(temp, 'out.zip')
  const zip = zipStream('BuildOutput', localPath(path, temp), kind, 6)
  // Each piece is written before the next is asked for, as the upload copies each into its part.
  const out = await open(file, 'w')
  try {
    for await (const chunk of zip.chunks) await out.write(chunk)
  } finally {
    await out.close()
  }
  expect(zip.made().bytes).toBe((await stat(file)).size)
  return file
}

async function tree(dir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name)
    const key = path.slice(dir.length + 1)
    files[entry.isDirectory() ? `${key}/` : key] = entry.isDirectory() ? '' : await readFile(path, 'utf8')
  }
  return files
}

async function refusal(zip: Buffer, dir = join(temp, 'src')): Promise<ArtifactError> {
  const file = join(temp, 'in.zip')
  await writeFile(file, zip)
  try {
    await extractZip(file, dir, 'SourceArtifact')
  } catch (error) {
    expect(error).toBeInstanceOf(ArtifactError)
    return error as ArtifactError
  }
  throw new Error('expected the ZIP to be refused')
}

describe('zipStream then extractZip', () => {
  it("round-trips a directory: its contents at the ZIP's root, empty directories, the executable bit, linked files", async () => {
    const dist = join(temp, 'dist')
    await mkdir(join(dist, 'nested/deeper'), { recursive: true })
    await mkdir(join(dist, 'empty'))
    await writeFile(join(dist, 'template.yml'), 'Resources: {}\n')
    await writeFile(join(dist, 'nested/deeper/app.js'), 'console.log(1)\n')
    await writeFile(join(dist, 'run.sh'), '#!/bin/sh\n')
    await chmod(join(dist, 'run.sh'), 0o755)
    await writeFile(join(temp, 'outside.txt'), 'linked in\n')
    await symlink(join(temp, 'outside.txt'), join(dist, 'link.txt'))

    const zip = await zipTo('dist', 'directory')
    const out = join(temp, 'extracted')
    expect(await extractZip(zip, out, 'BuildOutput')).toEqual({ files: 4, bytes: 14 + 15 + 10 + 10 })
    expect(await tree(out)).toEqual({
      'empty/': '',
      'link.txt': 'linked in\n',
      'nested/': '',
      'nested/deeper/': '',
      'nested/deeper/app.js': 'console.log(1)\n',
      'run.sh': '#!/bin/sh\n',
      'template.yml': 'Resources: {}\n'
    })
    expect((await stat(join(out, 'run.sh'))).mode & 0o777).toBe(0o755)
    expect((await stat(join(out, 'template.yml'))).mode & 0o111).toBe(0)
  })

  it('makes a one-file ZIP of a file, under its own name', async () => {
    await writeFile(join(temp, 'imagedefinitions.json'), '[]')
    const zip = await zipTo('imagedefinitions.json', 'file')
    await extractZip(zip, join(temp, 'x'), 'BuildOutput')
    expect(await tree(join(temp, 'x'))).toEqual({ 'imagedefinitions.json': '[]' })
  })

  it('refuses a symbolic link loop, naming the artifact and the link', async () => {
    await mkdir(join(temp, 'dist/a'), { recursive: true })
    await symlink(join(temp, 'dist'), join(temp, 'dist/a/loop'))
    const error = await zipTo('dist', 'directory').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ArtifactError)
    expect((error as Error).message).toBe(
      `Output artifact "BuildOutput": ${join(temp, 'dist/a/loop')} (in dist) is a symbolic link to a directory ` +
        'that contains it, a loop that would never end; remove the link or point it elsewhere.'
    )
  })

  it('refuses a dangling symbolic link', async () => {
    await mkdir(join(temp, 'dist'))
    await symlink(join(temp, 'gone'), join(temp, 'dist/gone'))
    await expect(zipTo('dist', 'directory')).rejects.toThrow(
      `Output artifact "BuildOutput": ${join(temp, 'dist/gone')} (in dist) is a symbolic link to nothing`
    )
  })
})

describe('extractZip', () => {
  it('reads ZIP64 archives', async () => {
    const file = join(temp, 'in.zip')
    const entries = [
      { name: 'a/b.txt', data: 'sixty-four' },
      { name: 'a/c.bin', data: 'stored', store: true }
    ]
    await writeFile(file, await zipOf(entries, true))
    await extractZip(file, join(temp, 'out'), 'SourceArtifact')
    expect(await tree(join(temp, 'out'))).toEqual({ 'a/': '', 'a/b.txt': 'sixty-four', 'a/c.bin': 'stored' })
  })

  it('copies stored entries larger than a copy buffer exactly, beside deflated ones', async () => {
    const big = randomBytes(2.5 * 1024 * 1024)
    const file = join(temp, 'in.zip')
    await writeFile(
      file,
      await zipOf([
        { name: 'image.tar', data: big, store: true },
        { name: 'empty.bin', data: '', store: true },
        { name: 'log.json', data: '{"ok":true}\n'.repeat(1000) }
      ])
    )
    expect(await extractZip(file, join(temp, 'out'), 'SourceArtifact')).toEqual({
      files: 3,
      bytes: big.length + 12_000
    })
    expect((await readFile(join(temp, 'out/image.tar'))).equals(big)).toBe(true)
    expect(await readFile(join(temp, 'out/empty.bin'), 'utf8')).toBe('')
    expect(await readFile(join(temp, 'out/log.json'), 'utf8')).toBe('{"ok":true}\n'.repeat(1000))
  })

  it('refuses a stored entry whose data would run past the end of the ZIP, and removes what it wrote', async () => {
    const zip = await zipOf([
      { name: 'first.txt', data: 'written first', store: true },
      { name: 'second.bin', data: randomBytes(4096), store: true }
    ])
    // Both sizes of second.bin in its central directory record (after first.txt's), far past the end.
    const record = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), zip.lastIndexOf('first.txt'))
    zip.writeUInt32LE(1 << 30, record + 20)
    zip.writeUInt32LE(1 << 30, record + 24)
    expect((await refusal(zip)).message).toMatch(
      /^Input artifact "SourceArtifact" is not a ZIP file this action can read: file data overflows file bounds/
    )
    await expect(readdir(join(temp, 'src'))).rejects.toThrow(/ENOENT/)
  })

  it.each([
    ['../evil.txt', 'zz/evil.txt', 'invalid relative path'],
    ['a/../../evil', 'a/bb/cc/evil', 'invalid relative path'],
    ['/tmp/evil.txt', 'xtmp/evil.txt', 'absolute path'],
    ['C:/evil.txt', 'CC/evil.txt', 'absolute path']
  ])('refuses an entry named %s and extracts nothing', async (name, placeholder, why) => {
    const zip = await zipNaming(name, placeholder, [{ name: 'good.txt', data: 'fine' }])
    const error = await refusal(zip)
    expect(error.failureType).toBe('ConfigurationError')
    expect(error.message).toBe(
      `Input artifact "SourceArtifact": refusing its ZIP entry "${name}" (${why}), which would be written ` +
        'outside the directory. Nothing was extracted; check the action that produced it.'
    )
    await expect(readdir(join(temp, 'src'))).rejects.toThrow(/ENOENT/)
  })

  it('refuses a symbolic link entry', async () => {
    const zip = await zipOf([
      { name: 'good.txt', data: 'fine' },
      { name: 'passwd', data: '/etc/passwd', mode: 0o120777 }
    ])
    expect((await refusal(zip)).message).toBe(
      'Input artifact "SourceArtifact": refusing its ZIP entry "passwd", a symbolic link (it could point ' +
        'anywhere). Nothing was extracted; store the file itself in the artifact instead.'
    )
  })

  it('does not write through a symbolic link already in the directory', async () => {
    const dir = join(temp, 'src')
    await mkdir(join(temp, 'elsewhere'))
    await mkdir(dir)
    await symlink(join(temp, 'elsewhere'), join(dir, 'out'))
    await symlink(join(temp, 'elsewhere/target.txt'), join(dir, 'file.txt'))
    expect((await refusal(await zipOf([{ name: 'out/x.txt', data: 'x' }]), dir)).message).toMatch(
      /^Input artifact "SourceArtifact": refusing its ZIP entry "out\/x.txt", which would be written outside/
    )
    expect((await refusal(await zipOf([{ name: 'file.txt', data: 'x' }]), dir)).message).toMatch(
      /refusing its ZIP entry "file.txt", which would be written outside/
    )
    // Not even the directories an entry needs are made through the link.
    expect((await refusal(await zipOf([{ name: 'out/deep/x.txt', data: 'x' }]), dir)).message).toMatch(
      /refusing its ZIP entry "out\/deep\/x.txt", which would be written outside/
    )
    expect((await refusal(await zipOf([{ name: 'out/made/', data: '' }]), dir)).message).toMatch(
      /refusing its ZIP entry "out\/made\/", which would be written outside/
    )
    expect(await readdir(join(temp, 'elsewhere'))).toEqual([])
  })

  it('says when the artifact is not a ZIP file', async () => {
    expect((await refusal(Buffer.from('<html>not a zip</html>'))).message).toMatch(
      /^Input artifact "SourceArtifact" is not a ZIP file this action can read: End of central directory record signature not found/
    )
  })
})

describe('zipStream stopped early', () => {
  it('closes every file it opened, those deflating ahead of their turn included', async () => {
    const dir = join(temp, 'logs')
    await mkdir(dir)
    // Files over 1 MiB that shrink are deflated ahead, into a lookahead that fills while nobody reads it.
    for (let i = 0; i < 4; i++)
      await writeFile(join(dir, `build-${i}.log`), randomBytes(3 * 1024 * 1024).toString('hex')) // halves
    const openFiles = async () => (await readdir('/proc/self/fd')).length
    const before = await openFiles()
    const zip = zipStream('BuildOutput', localPath(dir, temp), 'directory', 6)
    const chunks = zip.chunks[Symbol.asyncIterator]()
    await chunks.next()
    await new Promise(resolve => setTimeout(resolve, 200)) // the entries ahead fill their lookahead
    await chunks.return?.(undefined)
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(await openFiles()).toBe(before)
  })
})
