// Preloaded into a measured process: records its peak resident memory when it exits.
process.on('exit', () => {
  require('node:fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS))
})
