// `npm run dev`: rebuilds the web app and restarts the server whenever a source file changes.
import { spawn } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const children = [
  spawn("npx", ["vite", "build", "--watch", "--mode", "development"], {
    cwd: root,
    stdio: "inherit",
  }),
  spawn("npx", ["tsx", "watch", "--clear-screen=false", "src/server/main.ts"], {
    cwd: root,
    stdio: "inherit",
  }),
];
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
    process.exit(0);
  });
}
