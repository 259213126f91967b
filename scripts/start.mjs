// `npm start`: installs dependencies when missing, builds the web app when its sources changed,
// then runs the server. Plain Node, so it works before `npm install` has ever run.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * @param {string} command
 * @param {string[]} args
 */
function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/**
 * @param {string} path
 * @returns {number}
 */
function newestChange(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestChange(join(path, entry))));
}

if (!existsSync(join(root, "node_modules", ".package-lock.json"))) {
  console.log("Installing dependencies (first start)…");
  run(npm, ["ci", "--no-audit", "--no-fund"]);
}

const builtIndex = join(root, "dist", "web", "index.html");
const webSources = ["src/web", "src/shared", "vite.config.ts", "package-lock.json"].map((p) =>
  join(root, p),
);
const builtAt = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0;
if (Math.max(...webSources.map(newestChange)) > builtAt) {
  console.log("Building the web app…");
  run(npm, ["run", "build", "--silent"]);
}

const server = spawn(process.execPath, ["--import", "tsx", "src/server/main.ts"], {
  cwd: root,
  stdio: "inherit",
});
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.on(signal, () => server.kill(signal));
}
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
