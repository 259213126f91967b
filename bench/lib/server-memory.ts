import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

type Memory = { rss: number; heap: number; retained: number };
export type MemoryReport = { now: Memory; peak: Memory };

/**
 * The server's own view of its memory (`bench/lib/memory-probe.mjs`, loaded into the server with
 * `--import`): `nodeArgs` and `env` start the probe; `read()` answers the peak since the last read
 * and the memory now, as the server process measured them. `read({ gcEveryMs })` also has the
 * server collect garbage that often until the next read, so `retained` is what it holds.
 */
export function serverMemoryProbe(file: string) {
  let reports = 0;
  return {
    nodeArgs: [
      "--expose-gc",
      "--import",
      pathToFileURL(join(import.meta.dirname, "memory-probe.mjs")).href,
    ],
    env: { BENCH_MEMORY_PROBE: file },
    async read(pid: number, next: { gcEveryMs?: number } = {}): Promise<MemoryReport> {
      await writeFile(`${file}.control`, JSON.stringify({ gcEveryMs: next.gcEveryMs ?? 0 }));
      reports += 1;
      process.kill(pid, "SIGUSR2");
      for (let tries = 0; tries < 500; tries++) {
        const report = await readFile(file, "utf8")
          .then((text) => JSON.parse(text) as MemoryReport & { report: number })
          // Not written yet, or caught half-written.
          .catch(() => null);
        if (report?.report === reports) return report;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error("the server's memory probe did not answer");
    },
    async remove() {
      await rm(file, { force: true });
      await rm(`${file}.control`, { force: true });
    },
  };
}
