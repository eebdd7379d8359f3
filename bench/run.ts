// npm run bench: the budgets of issues 2 and 3, measured on this machine against the local emulator.
import { pollBatchBench } from './poll-batch.ts'
import { reportStartBench } from './report-start.ts'

const BUDGET = { ratio: 2.5, rssMiB: 64 }

const start = await reportStartBench()
const verdict = (ok: boolean) => (ok ? 'within budget' : 'OVER BUDGET')
console.log(
  `Report action: complete failure report (OIDC → STS → PutJobFailureResult), median of ${start.runs} runs`
)
console.log(
  `  bare node -e 0      ${start.bareMs.toFixed(1)} ms   peak RSS ${start.bareRssMiB.toFixed(1)} MiB`
)
console.log(
  `  report (dist/)      ${start.reportMs.toFixed(1)} ms   peak RSS ${start.reportRssMiB.toFixed(1)} MiB`
)
console.log(
  `  ratio               ${start.ratio.toFixed(2)}× (budget ${BUDGET.ratio}×: ${verdict(start.ratio <= BUDGET.ratio)})`
)
console.log(
  `  peak memory         ${verdict(start.reportRssMiB < BUDGET.rssMiB)} (budget < ${BUDGET.rssMiB} MiB)`
)

// A benchmark that only prints would let a regression pass unnoticed.
if (start.ratio > BUDGET.ratio || start.reportRssMiB >= BUDGET.rssMiB) process.exitCode = 1

const batch = await pollBatchBench()
console.log(`Poll action: ${batch.jobs} queued jobs acknowledged and dispatched, 20 ms latency per call`)
console.log(`  concurrent (max-concurrency 10)   ${batch.concurrentMs} ms`)
console.log(`  one job at a time                 ${batch.sequentialMs} ms`)
console.log(`  speed-up                          ${(batch.sequentialMs / batch.concurrentMs).toFixed(1)}×`)
