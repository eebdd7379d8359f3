// The artifact scenario's own moves: the pipeline's Source stage hands the build a ZIP (SOURCE_ARTIFACT), the
// report action's main step extracts it into the workspace, a build step reads it and writes a directory, the
// post step zips and uploads that directory as BUILD_ARTIFACT before the success, and the Deploy stage finds it in
// the artifact store. What is checked is what each side would see: files on the runner's disk, objects in S3,
// their encryption, who signed for them, and the order of the uploads and the result.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Job } from '../emulator/index.ts'
import type { ActionResult } from '../__tests__/e2e/harness.ts'
import { check } from './expectations.ts'
import {
  BUILD_ARTIFACT,
  IMAGE_URI,
  kmsKey,
  OUTPUT_DIR,
  SOURCE_ARTIFACT,
  SOURCE_DIR,
  SOURCE_FILES
} from './setup.ts'
import { short, sseName } from './timeline.ts'
import { event, type World } from './world.ts'

/** The report action's `with:` in build.yml: the same inputs reach its main and its post step. */
export const ARTIFACT_INPUTS = { 'input-artifacts': SOURCE_DIR, 'output-artifacts': OUTPUT_DIR }

const INDENT = ' '.repeat(17)
const UPLOADS = ['PutObject', 'CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload']

/** After the main step: SOURCE_ARTIFACT's files are in the workspace, where the next steps look for them. */
export async function checkExtracted(world: World, workspace: string, main: ActionResult): Promise<void> {
  const found: Record<string, string> = {}
  for (const path of Object.keys(SOURCE_FILES)) {
    found[path] = await readFile(join(workspace, SOURCE_DIR, path), 'utf8').catch(() => '(missing)')
  }
  check(
    world,
    JSON.stringify(found) === JSON.stringify(SOURCE_FILES) &&
      main.outputs['input-artifacts-path'] === join(workspace, SOURCE_DIR),
    `the main step extracted ${SOURCE_ARTIFACT} into ${SOURCE_DIR}/ before the build ` +
      `(${Object.keys(SOURCE_FILES).join(', ')}; input-artifacts-path output)`
  )
}

/**
 * The workflow's build step, between the main and the post step: it reads the extracted source and writes what
 * the Deploy stage needs into OUTPUT_DIR (a CloudFormation template naming the image, and ECS's
 * imagedefinitions.json). Returns false, as a failed step, when the source is not there.
 */
export async function buildStep(world: World, workspace: string, number: number): Promise<boolean> {
  const source = join(workspace, SOURCE_DIR)
  let template: string
  let app: string
  try {
    template = await readFile(join(source, 'template.yml'), 'utf8')
    app = await readFile(join(source, 'src', 'app.js'), 'utf8')
  } catch (error) {
    event(
      world,
      `step ${number}`,
      world.out.paint('red', `Build image: ${(error as Error).message} (exit code 1)`)
    )
    return false
  }
  const out = join(workspace, OUTPUT_DIR)
  await mkdir(out, { recursive: true })
  await writeFile(join(out, 'template.yml'), template.replace('IMAGE_URI', IMAGE_URI))
  await writeFile(join(out, 'imagedefinitions.json'), JSON.stringify([{ name: 'web', imageUri: IMAGE_URI }]))
  event(
    world,
    `step ${number}`,
    `Build image: ${SOURCE_DIR}/src/app.js (${app.length} bytes) → ${IMAGE_URI}; writes ` +
      `${OUTPUT_DIR}/template.yml (Image: the new tag) and ${OUTPUT_DIR}/imagedefinitions.json`
  )
  return true
}

/**
 * After the post step: BUILD_ARTIFACT is in the artifact store, stored before the success, encrypted with the
 * pipeline's key and signed for with the job's artifact credentials only; the demo reads it back as the next
 * stage would and checks the files inside. `from` is where the post step's requests start in emu.requests.
 */
export async function checkStoredOutput(world: World, job: Job, from: number): Promise<void> {
  const { emu, out } = world
  const stored = emu.artifacts.output(job.id, BUILD_ARTIFACT)
  const operations = emu.requests.slice(from).map(r => r.operation)
  const lastUpload = Math.max(...UPLOADS.map(op => operations.lastIndexOf(op)))
  const success = operations.indexOf('PutJobSuccessResult')
  const key = kmsKey(emu.region)
  check(
    world,
    stored !== undefined &&
      lastUpload >= 0 &&
      success > lastUpload &&
      stored.sse.serverSideEncryption === 'aws:kms' &&
      stored.sse.kmsKeyId === key,
    `${BUILD_ARTIFACT} was stored before PutJobSuccessResult, with SSE-KMS and the pipeline's key`
  )
  const s3 = emu.s3.requests
  const artifactKey = job.data.artifactCredentials.accessKeyId
  check(
    world,
    s3.length > 0 &&
      s3.every(r => r.accessKeyId === artifactKey) &&
      emu.s3.refusals.length === 0 &&
      stored?.uploadedBy?.accessKeyId === artifactKey,
    `every S3 request (${s3.length}) was signed with job ${short(job.id)}'s artifactCredentials; ` +
      'none with the reporter role, none refused'
  )
  if (!stored) return

  // The Deploy stage's view: the object at the output artifact's location, and the files at the ZIP's root.
  const location = job.data.outputArtifacts[0].location.s3Location
  let files: Record<string, Buffer> = {}
  try {
    files = await emu.artifacts.outputFiles(job.id, BUILD_ARTIFACT)
  } catch (error) {
    out.line(`${INDENT}${out.paint('red', `not a readable ZIP: ${(error as Error).message}`)}`)
  }
  event(
    world,
    'CodePipeline',
    `stage Deploy reads ${BUILD_ARTIFACT} from s3://${location.bucketName}/${location.objectKey}: ` +
      `${stored.size} bytes ZIP, ${sseName(stored.sse)}`
  )
  for (const [path, data] of Object.entries(files)) {
    const first =
      data
        .toString('utf8')
        .split('\n')
        .find(line => line.includes(IMAGE_URI)) ?? ''
    out.line(`${INDENT}${path.padEnd(22)} ${out.paint('dim', `${data.length} bytes  ${first.trim()}`)}`)
  }
  const template = files['template.yml']?.toString('utf8') ?? ''
  let definitions: unknown
  try {
    definitions = JSON.parse(files['imagedefinitions.json']?.toString('utf8') ?? '')
  } catch {
    definitions = undefined
  }
  check(
    world,
    Object.keys(files).sort().join(',') === 'imagedefinitions.json,template.yml' &&
      template.includes(`Image: ${IMAGE_URI}`) &&
      JSON.stringify(definitions) === JSON.stringify([{ name: 'web', imageUri: IMAGE_URI }]),
    `read back from S3: the ZIP holds ${OUTPUT_DIR}/'s files at its root, and template.yml deploys the image ` +
      'the build made from the source artifact'
  )
}
