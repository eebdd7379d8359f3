// The artifact section of `npm run bench` (issue 16): the upload and the download side by side with the AWS CLI
// and Info-ZIP, each budget line in the exact words the bars read, the deflate levels, and with BENCH_LARGE=1 the
// 1 GiB round trip.
import { dataBytes, describeDataSet, MiB } from './artifacts-data.ts'
import { artifactRoundTrip, ROUND_TRIP_RSS_BUDGET_MIB } from './artifacts-roundtrip.ts'
import { artifactsBench, type Side } from './artifacts.ts'
import { budget, budgetLine, figure, row, x } from './print.ts'

/** Upload within 0.5× `zip -r` + `aws s3 cp`, download within 0.7× `aws s3 cp` + `unzip`, both under 150 MiB. */
const BUDGET = { uploadVsCli: 0.5, downloadVsCli: 0.7, rssMiB: 150 }

const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`

export async function artifactsSection(): Promise<void> {
  const bench = await artifactsBench()
  console.log(
    `Artifacts: a ${dataBytes(bench.data) / MiB} MiB directory through the emulator's S3, median of ${bench.runs} ` +
      'interleaved runs each'
  )
  console.log(`  data: ${describeDataSet(bench.data)}`)
  const { upload, download, zipBytes, tools } = bench
  row(
    `upload, report action: output-artifacts (ZIP ${mib(zipBytes.action)})`,
    upload.action.ms,
    upload.action.peakRssMiB
  )
  steps(upload, `zip -r, then aws s3 cp (${tools.awsVersion}, ZIP ${mib(zipBytes.cli ?? 0)})`)
  row(
    'download, report action: input-artifacts (the action’s ZIP)',
    download.action.ms,
    download.action.peakRssMiB
  )
  steps(download, 'aws s3 cp, then unzip (the same object)')
  if (tools.skipped) console.log(`  CLI comparison skipped: ${tools.skipped}`)
  if (tools.rssSkipped) console.log(`  peak RSS of zip, unzip and aws not measured: ${tools.rssSkipped}`)
  console.log(
    `  checked: every upload stored every file (name, size, CRC-32) with SSE-KMS, signed with the job's artifact ` +
      'credentials; every download extracted every file intact'
  )
  versus('upload vs zip -r + aws s3 cp', upload, BUDGET.uploadVsCli)
  versus('download vs aws s3 cp + unzip', download, BUDGET.downloadVsCli)
  console.log('  deflate levels on the compressible files (one core, in this process):')
  for (const { level, ms, ratio } of bench.levels) {
    const speed = (bench.data.textFiles * bench.data.fileBytes) / MiB / (ms / 1000)
    console.log(
      `    level ${level}: ${speed.toFixed(0).padStart(4)} MiB/s, ${(ratio * 100).toFixed(1)} % of the size`
    )
  }

  // The 1 GiB round trip takes a minute or more: only on request.
  if (process.env.BENCH_LARGE !== '1') {
    console.log(
      '  1 GiB round trip (download and extract, zip and upload): not run; BENCH_LARGE=1 npm run bench runs it'
    )
    return
  }
  const big = await artifactRoundTrip()
  console.log(
    `Artifacts: ${big.bytes / MiB} MiB of incompressible data in one file, down and up through dist/report`
  )
  row('input-artifacts: download and extract', big.download.ms, big.download.peakRssMiB)
  row('output-artifacts: zip and upload', big.upload.ms, big.upload.peakRssMiB)
  const peak = Math.max(big.download.peakRssMiB, big.upload.peakRssMiB)
  budget(
    '1 GiB round trip peak RSS',
    `${peak.toFixed(1)} MiB`,
    `< ${ROUND_TRIP_RSS_BUDGET_MIB} MiB`,
    peak < ROUND_TRIP_RSS_BUDGET_MIB
  )
}

function steps(side: Side, label: string): void {
  if (!side.cli) return
  row(label, side.cli.ms, side.cli.peakRssMiB)
  for (const step of side.cli.steps) row(`  ${step.label}`, step.ms, step.peakRssMiB)
}

/** `label  X×  peak RSS N MiB`, against both budgets at once. */
function versus(label: string, side: Side, limit: number): void {
  const rss = side.action.peakRssMiB
  const limits = `≤ ${limit}×, < ${BUDGET.rssMiB} MiB`
  if (!side.cli) {
    figure(label, '-', `peak RSS ${rss.toFixed(1)} MiB; not compared: a CLI tool is missing (skipped)`)
    budget(
      `${label.split(' vs ')[0]} peak RSS`,
      `${rss.toFixed(1)} MiB`,
      `< ${BUDGET.rssMiB} MiB`,
      rss < BUDGET.rssMiB
    )
    return
  }
  const ratio = side.action.ms / side.cli.ms
  budgetLine(label, x(ratio), `peak RSS ${rss.toFixed(1)} MiB`, limits, ratio <= limit && rss < BUDGET.rssMiB)
}
