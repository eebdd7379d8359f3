// How the bench prints its figures: aligned rows of times, figures against their budgets, and whether any was
// over (the bench then exits 1, so a regression cannot pass unnoticed).

export const x = (ratio: number): string => `${ratio.toFixed(2)}×`

export function row(label: string, ms: number, rssMiB?: number): void {
  const rss = rssMiB === undefined ? '' : `   peak RSS ${rssMiB.toFixed(1)} MiB`
  console.log(`  ${label.padEnd(58)} ${ms.toFixed(1).padStart(7)} ms${rss}`)
}

export function figure(label: string, value: string, rest: string): void {
  console.log(`  ${label.padEnd(34)} ${value.padStart(9)}  ${rest}`)
}

let over = false

/** Whether any budget so far was not held. */
export const overBudget = (): boolean => over

export function budget(label: string, value: string, limit: string, ok: boolean): boolean {
  figure(label, value, `(budget ${limit}): ${verdict(ok)}`)
  if (!ok) over = true
  return ok
}

/** A budget that the bars read by its exact words: `label  value`, then the rest on the same line. */
export function budgetLine(label: string, value: string, rest: string, limit: string, ok: boolean): void {
  console.log(`  ${label}  ${value}  ${rest}  (budget ${limit}): ${verdict(ok)}`)
  if (!ok) over = true
}

const verdict = (ok: boolean) => (ok ? 'within budget' : 'OVER BUDGET')
