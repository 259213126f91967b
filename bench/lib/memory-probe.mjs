// Loaded into a server process with `--import` when BENCH_MEMORY_PROBE names a file: samples the
// process's own memory every few milliseconds, and on SIGUSR2 writes the peak since the last
// SIGUSR2 (and the memory now) to that file, so a benchmark reads memory where it is spent.
// With `--expose-gc` and `{"gcEveryMs": n}` in `<file>.control`, it also collects garbage every
// n ms and keeps the peak of what stays reachable, which is what the server truly holds.
import { readFileSync, writeFileSync } from "node:fs";

const file = process.env.BENCH_MEMORY_PROBE;
const collect = globalThis.gc;

if (file) {
  const read = () => {
    const usage = process.memoryUsage();
    return { rss: usage.rss, heap: usage.heapUsed + usage.external };
  };
  const retained = () => {
    collect?.();
    return read().heap;
  };
  const fresh = () => ({ ...read(), retained: gcEveryMs > 0 ? retained() : 0 });
  let gcEveryMs = 0;
  let lastCollection = 0;
  let peak = fresh();
  let report = 0;
  const sample = () => {
    const now = read();
    peak.rss = Math.max(peak.rss, now.rss);
    peak.heap = Math.max(peak.heap, now.heap);
    if (gcEveryMs > 0 && Date.now() - lastCollection >= gcEveryMs) {
      lastCollection = Date.now();
      peak.retained = Math.max(peak.retained, retained());
    }
  };
  setInterval(sample, 5).unref();
  process.on("SIGUSR2", () => {
    sample();
    try {
      gcEveryMs = Number(JSON.parse(readFileSync(`${file}.control`, "utf8")).gcEveryMs) || 0;
    } catch {
      gcEveryMs = 0;
    }
    if (!collect) gcEveryMs = 0;
    // "now" is taken in the new mode, so it is the baseline for the peak that follows.
    const now = fresh();
    report += 1;
    writeFileSync(file, JSON.stringify({ report, now, peak }));
    peak = { ...now };
  });
}
