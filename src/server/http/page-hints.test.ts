import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageHints } from "./page-hints.js";

let webDir: string;
let hintsFor: (path: string) => string;
const clientId = "0b7c6d1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e";
const conversationId = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";

beforeAll(async () => {
  // A build manifest as vite writes it: the entry, and route modules with their imports.
  webDir = await mkdtemp(join(tmpdir(), "portico-hints-"));
  await mkdir(join(webDir, ".vite"));
  await writeFile(
    join(webDir, ".vite", "manifest.json"),
    JSON.stringify({
      "index.html": { file: "assets/index-1.js", imports: ["_react-1.js"] },
      "_react-1.js": { file: "assets/react-1.js" },
      "portal/PortalShell.tsx": { file: "assets/PortalShell-1.js", imports: ["_react-1.js"] },
      "portal/PortalMessagesPage.tsx": {
        file: "assets/PortalMessagesPage-1.js",
        imports: ["_ThreadPane-1.js"],
        dynamicImports: ["_Composer-1.js"],
      },
      "_ThreadPane-1.js": { file: "assets/ThreadPane-1.js" },
      "_Composer-1.js": { file: "assets/Composer-1.js" },
    }),
  );
  hintsFor = pageHints(webDir);
});
afterAll(() => rm(webDir, { recursive: true, force: true }));

describe("page hints", () => {
  it("preloads a contact's thread: its first reads, then its route code (not the entry's, not lazy code)", () => {
    const hints = hintsFor(`/portal/clients/${clientId}/${conversationId}`);
    const hrefs = [...hints.matchAll(/href="([^"]+)"/g)].map((match) => match[1]);
    // The reads come first, so they do not wait for connections behind the code.
    expect(hrefs).toEqual([
      "/api/portal/session",
      `/api/portal/clients/${clientId}/conversations`,
      `/api/portal/conversations/${conversationId}/messages`,
      "/assets/PortalShell-1.js",
      "/assets/PortalMessagesPage-1.js",
      "/assets/ThreadPane-1.js",
    ]);
    expect(hints).toContain(
      '<link rel="modulepreload" crossorigin href="/assets/PortalShell-1.js">',
    );
    expect(hints).toContain(
      '<link rel="preload" as="fetch" crossorigin="anonymous" href="/api/portal/session">',
    );
  });

  it("leaves out the thread's read when the address names no conversation", () => {
    expect(hintsFor(`/portal/clients/${clientId}`)).not.toContain("/messages");
  });

  it("puts nothing from an address that is not a known screen with UUIDs into the page", () => {
    expect(hintsFor('/portal/clients/"><script>alert(1)</script>')).toBe("");
    expect(hintsFor(`/portal/clients/${clientId}/not-a-uuid`)).toBe("");
    expect(hintsFor("/clients")).toBe("");
  });
});
