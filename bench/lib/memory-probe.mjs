// Loaded into a server process with `--import` when BENCH_MEMORY_PROBE names a file: samples the
// process's own memory every few milliseconds, and on SIGUSR2 writes the peak since the last
// SIGUSR2 (and the memory now) to that file, so a benchmark reads memory where it is spent.
import { writeFileSync } from "node:fs";

const file = process.env.BENCH_MEMORY_PROBE;

if (file) {
  const read = () => {
    const usage = process.memoryUsage();
    return { rss: usage.rss, heap: usage.heapUsed + usage.external };
  };
  let peak = read();
  let report = 0;
  const sample = () => {
    const now = read();
    peak = { rss: Math.max(peak.rss, now.rss), heap: Math.max(peak.heap, now.heap) };
  };
  setInterval(sample, 5).unref();
  process.on("SIGUSR2", () => {
    sample();
    report += 1;
    writeFileSync(file, JSON.stringify({ report, now: read(), peak }));
    peak = read();
  });
}
