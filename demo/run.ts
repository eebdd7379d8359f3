// npm run demo: the whole bridge on this machine, in a few seconds. Exits 1 if any expectation fails.
import { runDemo } from './demo.ts'

const color = process.stdout.isTTY === true && !process.env.NO_COLOR
const result = await runDemo({ write: line => console.log(line), color })
process.exitCode = result.failed.length === 0 ? 0 : 1
