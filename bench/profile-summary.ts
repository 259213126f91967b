// `npx tsx bench/profile-summary.ts bench/profiles/<file>.cpuprofile`: where a server's CPU time
// went (from `npm run bench -- --cpu-prof`), as self time per function and per package.
import { readFileSync } from "node:fs";

type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
};
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const path = process.argv[2];
if (!path) throw new Error("give a .cpuprofile file");
const profile = JSON.parse(readFileSync(path, "utf8")) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfTime = new Map<number, number>();
profile.samples.forEach((id, index) => {
  selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
});

const packageOf = (url: string) => {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (match?.[1]) return match[1];
  if (url.includes("/src/")) return `portico ${url.slice(url.indexOf("/src/") + 1)}`;
  if (url.startsWith("node:")) return "node internals";
  return url ? url : "(native, GC, idle)";
};

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
let total = 0;
for (const [id, time] of selfTime) {
  const frame = byId.get(id)?.callFrame;
  if (!frame) continue;
  total += time;
  const name = `${frame.functionName || "(anonymous)"} ${packageOf(frame.url)}:${frame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + time);
  const pkg = packageOf(frame.url).replace(/^portico .*/, "portico (src)");
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + time);
}
const top = (map: Map<string, number>, count: number) =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, time]) => `${((100 * time) / total).toFixed(1).padStart(5)}%  ${name}`)
    .join("\n");
console.log(`total ${(total / 1e6).toFixed(1)} s sampled\n\nby package:\n${top(byPackage, 15)}`);
console.log(`\nby function (self time):\n${top(byFunction, 25)}`);
