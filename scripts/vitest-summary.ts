// Prints the plain closing line CI reads ("N passed, N failed") from vitest's JSON results.
import { readFileSync } from "node:fs";

const file = process.argv[2] ?? ".vitest-results.json";
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const results = JSON.parse(readFileSync(file, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
  };
  passed = results.numPassedTests;
  // A test file that fails to load has no tests to count; count it as a failure so it cannot pass unseen.
  failed = results.numFailedTests + (results.numFailedTests === 0 ? results.numFailedTestSuites : 0);
  skipped = results.numPendingTests + results.numTodoTests;
} catch (error) {
  console.error(`could not read vitest results from ${file}: ${(error as Error).message}`);
  failed = 1;
}
console.log(
  skipped > 0 ? `${passed} passed, ${failed} failed, ${skipped} skipped` : `${passed} passed, ${failed} failed`,
);
