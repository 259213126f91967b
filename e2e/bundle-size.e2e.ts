import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** What `vite build` wrote (the browser suite runs after the build). */
const webDir = join(import.meta.dirname, "..", "dist", "web");
type ManifestChunk = { file: string; imports?: string[]; isEntry?: boolean };
const manifest = JSON.parse(readFileSync(join(webDir, ".vite", "manifest.json"), "utf8")) as Record<
  string,
  ManifestChunk
>;

/**
 * The JS files a first load of a screen fetches before it paints: the entry, the screen's route
 * modules, and everything they import statically. Lazily imported code (the editor) is left out:
 * it arrives after the thread is on screen.
 */
function initialFiles(routeModules: string[]): string[] {
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk) throw new Error(`${key} is not in the build manifest`);
    if (files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit("index.html");
  for (const module of routeModules) visit(module);
  return [...files].filter((file) => file.endsWith(".js"));
}

/** Bytes the browser downloads for those files: the gzip forms the build wrote beside them. */
const gzipKB = (files: string[]) =>
  files.reduce((sum, file) => sum + statSync(join(webDir, `${file}.gz`)).size, 0) / 1024;

const screens = [
  {
    name: "the portal's messages",
    routeModules: ["portal/PortalShell.tsx", "portal/PortalMessagesPage.tsx"],
    budgetKB: 150,
  },
  {
    name: "the staff messages screen",
    routeModules: [
      "staff/AppShell.tsx",
      "staff/ClientRecordLayout.tsx",
      "staff/messages/MessagesPage.tsx",
    ],
    budgetKB: 250,
  },
];

describe("initial JavaScript (gzip), as built", () => {
  for (const screen of screens) {
    it(`stays within ${screen.budgetKB} KB for ${screen.name}, without the editor`, () => {
      const files = initialFiles(screen.routeModules);
      expect(files.some((file) => /RichTextEditor/.test(file))).toBe(false);
      const size = gzipKB(files);
      console.log(`${screen.name}: ${size.toFixed(1)} KB gzip in ${files.length} files`);
      expect(size).toBeLessThanOrEqual(screen.budgetKB);
    });
  }
});
