// Prints the plain "N passed, N failed" line CI reads; jest's own summary is for humans.
class CiReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites
    console.log(`${results.numPassedTests} passed, ${failed} failed`)
  }
}
module.exports = CiReporter
