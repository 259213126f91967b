import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { routes } from "../../shared/api/routes.js";

type ManifestChunk = { file: string; imports?: string[] };
type Manifest = Record<string, ManifestChunk>;

const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

const api = (name: keyof typeof routes, params: Record<string, string> = {}) =>
  routes[name].path.replace(/:(\w+)/g, (_match, key: string) => params[key] ?? "");

/**
 * The screens worth a head start: the modules their routes load (vite manifest keys) and the
 * API reads they make first. Ids come from the address and must be UUIDs to be used.
 */
const screens: {
  path: RegExp;
  modules: string[];
  reads: (ids: string[]) => string[];
}[] = [
  {
    path: /^\/portal\/sign-in$/,
    modules: ["portal/PortalSignInPage.tsx"],
    reads: () => [],
  },
  {
    path: new RegExp(`^/portal/clients/(${uuid})(?:/(${uuid}))?$`),
    modules: ["portal/PortalShell.tsx", "portal/PortalMessagesPage.tsx"],
    reads: ([clientId = "", conversationId]) => [
      api("getPortalSession"),
      api("listPortalConversations", { clientId }),
      ...(conversationId ? [api("listPortalMessages", { conversationId })] : []),
    ],
  },
  {
    path: new RegExp(`^/clients/(${uuid})/messages(?:/(${uuid}))?$`),
    modules: [
      "staff/AppShell.tsx",
      "staff/ClientRecordLayout.tsx",
      "staff/messages/MessagesPage.tsx",
    ],
    reads: ([clientId = "", conversationId]) => [
      api("getStaffSession"),
      api("getClient", { clientId }),
      api("listConversations", { clientId }),
      api("listTeamMembers"),
      ...(conversationId ? [api("listMessages", { conversationId })] : []),
    ],
  },
];

/** The files a module loads before it runs: itself and its static imports, transitively. */
function staticFiles(manifest: Manifest, key: string, into: Set<string>) {
  const chunk = manifest[key];
  if (!chunk || into.has(chunk.file)) return;
  into.add(chunk.file);
  for (const imported of chunk.imports ?? []) staticFiles(manifest, imported, into);
}

/**
 * Link tags that let the browser fetch a screen's code and first data while the entry script is
 * still arriving, instead of one after the other. The data reads go through the API as usual
 * (the same session, the same checks); the page only starts them earlier.
 */
export function pageHints(webDir: string) {
  const manifestPath = join(webDir, ".vite", "manifest.json");
  const manifest: Manifest = existsSync(manifestPath)
    ? JSON.parse(readFileSync(manifestPath, "utf8"))
    : {};
  const alreadyLoaded = new Set<string>();
  staticFiles(manifest, "index.html", alreadyLoaded);
  const code = screens.map((screen) => {
    const files = new Set<string>();
    for (const module of screen.modules) staticFiles(manifest, module, files);
    return [...files]
      .filter((file) => !alreadyLoaded.has(file) && file.endsWith(".js"))
      .map((file) => `<link rel="modulepreload" crossorigin href="/${file}">`)
      .join("");
  });
  return (path: string): string => {
    const index = screens.findIndex((screen) => screen.path.test(path));
    const screen = screens[index];
    if (!screen) return "";
    const ids = (screen.path.exec(path) ?? []).slice(1).filter(Boolean);
    const reads = screen
      .reads(ids)
      .map((url) => `<link rel="preload" as="fetch" crossorigin="anonymous" href="${url}">`);
    // Reads first: the browser opens six connections to a host, and the data takes the server
    // longer to answer than a file, so it should not queue behind a dozen small chunks.
    return reads.join("") + (code[index] ?? "");
  };
}
