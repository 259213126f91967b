// `npm test`: the gates first (lint and format, types, migrations), then every suite, one summary.
// Unit and integration tests run on embedded PGlite and, when TEST_DATABASE_URL is set, again on
// that PostgreSQL server; then the browser tests run against the freshly built app, then a tiny run
// of every benchmark (no timing asserted, so none can rot). A failed gate
// stops the run there. Ends with one line: "N passed, N failed" (a failed gate counts as failed).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const resultsDir = join(root, ".test-results");
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

const extraArgs = process.argv.slice(2);

const gates = [
  {
    name: "lint and format (Biome)",
    command: ["npx", "biome", "check", "--error-on-warnings", "."],
  },
  { name: "types (tsc over all code)", command: ["npx", "tsc", "-p", "."] },
  { name: "migrations (drizzle-kit)", command: ["node", "scripts/check-migrations.mjs"] },
];

for (const gate of gates) {
  console.log(`\n▶ gate: ${gate.name}`);
  const [command = "", ...args] = gate.command;
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    console.log(`✗ gate failed: ${gate.name}; no tests were run`);
    console.log("\n0 passed, 1 failed");
    process.exit(result.status || 1);
  }
  console.log(`✓ ${gate.name}`);
}

const suites = [
  { name: "server (PGlite)", args: [], env: { TEST_DATABASE_URL: "" } },
  ...(process.env.TEST_DATABASE_URL ? [{ name: "server (PostgreSQL)", args: [], env: {} }] : []),
  { name: "browser", args: ["--config", "e2e/vitest.config.ts"], env: {}, needsBuild: true },
];

/**
 * A tiny run of every benchmark (`npm run bench -- --smoke`), so none can rot: each benchmark
 * that runs and whose correctness checks hold counts as one passed test. No timing is asserted.
 */
function runBenchSmoke() {
  console.log("\n▶ benchmarks (smoke sizes)");
  const run = spawnSync("npx", ["tsx", "bench/run.ts", "--smoke"], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  process.stdout.write(run.stdout ?? "");
  const summary = /^(\d+) passed, (\d+) failed$/m.exec(run.stdout ?? "");
  if (!summary) return { passed: 0, failed: 1, status: run.status || 1 };
  return { passed: Number(summary[1]), failed: Number(summary[2]), status: run.status ?? 1 };
}

let passed = 0;
let failed = 0;
let skipped = 0;
let exitCode = 0;

for (const [index, suite] of suites.entries()) {
  if (suite.needsBuild) {
    console.log("\n▶ building the web app for the browser tests");
    const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "inherit" });
    if (build.status !== 0) {
      console.log("✗ the web app did not build");
      failed += 1;
      exitCode = 1;
      continue;
    }
  }
  console.log(`\n▶ ${suite.name}`);
  const report = join(resultsDir, `suite-${index}.json`);
  const run = spawnSync(
    "npx",
    [
      "vitest",
      "run",
      ...suite.args,
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${report}`,
      ...extraArgs,
    ],
    { cwd: root, stdio: "inherit", env: { ...process.env, ...suite.env } },
  );
  if (existsSync(report)) {
    const result = JSON.parse(readFileSync(report, "utf8"));
    passed += result.numPassedTests;
    failed += result.numFailedTests;
    skipped += result.numPendingTests + (result.numTodoTests ?? 0);
    // A suite that failed to load files counts as a failure even with no failed test.
    if (run.status !== 0 && result.numFailedTests === 0) failed += 1;
  } else {
    failed += 1;
  }
  if (run.status !== 0) exitCode = run.status ?? 1;
}

const bench = runBenchSmoke();
passed += bench.passed;
failed += bench.failed;
if (bench.status !== 0) exitCode = bench.status;

// The soak at smoke size: every correctness check it makes holds, or it counts as failed.
console.log("\n▶ soak (smoke size)");
const soak = spawnSync("npx", ["tsx", "bench/soak.ts", "--smoke"], { cwd: root, stdio: "inherit" });
if (soak.status === 0) passed += 1;
else {
  failed += 1;
  exitCode = soak.status || 1;
}

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(exitCode);
