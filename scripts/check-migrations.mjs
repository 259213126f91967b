// `npm run db:check`: the migrations are consistent (drizzle-kit check), and generating from the
// schema writes no new migration, so a schema change cannot land without its migration. It
// generates into a scratch copy of the migrations folder, never into the repository.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const root = join(import.meta.dirname, "..");
const migrations = join(root, "src", "server", "db", "migrations");

/**
 * Runs drizzle-kit without a terminal: a question it would ask (such as "is this a rename?")
 * fails the check instead of waiting for an answer. drizzle-kit can fail with exit code 0, so
 * only its own words for success count as success.
 * @param {string[]} args
 * @param {string} success what drizzle-kit prints when all is well
 */
function drizzleKit(args, success) {
  const run = spawnSync("npx", ["drizzle-kit", ...args], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 120_000,
  });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim();
  return { ok: run.status === 0 && output.includes(success), output };
}

/** @param {string} folder */
const sqlFiles = (folder) => readdirSync(folder).filter((name) => name.endsWith(".sql"));

/** @returns {string[]} what is wrong, empty when nothing is */
function checkMigrations() {
  const problems = [];
  // drizzle-kit resolves --out against the working directory, so it gets a relative path.
  const check = drizzleKit(
    ["check", "--dialect=postgresql", `--out=${relative(root, migrations)}`],
    "Everything's fine",
  );
  if (!check.ok) problems.push(`drizzle-kit check failed:\n${check.output}`);

  const scratch = mkdtempSync(join(tmpdir(), "portico-migrations-"));
  try {
    cpSync(migrations, scratch, { recursive: true });
    const generate = drizzleKit(
      [
        "generate",
        "--dialect=postgresql",
        "--schema=src/server/db/schema.ts",
        `--out=${relative(root, scratch)}`,
        "--name=unexpected",
      ],
      "No schema changes",
    );
    const added = sqlFiles(scratch).filter((name) => !sqlFiles(migrations).includes(name));
    if (added.length > 0) {
      problems.push(
        `the schema has changes no migration covers (it would generate ${added.join(", ")}): ` +
          "run `npm run db:generate -- --name what_changed`",
      );
    } else if (!generate.ok) {
      problems.push(
        "generating from the schema did not finish cleanly (a question such as a rename needs " +
          `\`npm run db:generate\` in a terminal):\n${generate.output}`,
      );
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return problems;
}

const problems = checkMigrations();
for (const problem of problems) console.error(`✗ ${problem}`);
if (problems.length === 0) console.log("✓ migrations match the schema");
process.exit(problems.length === 0 ? 0 : 1);
