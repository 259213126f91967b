import { existsSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { resolvePrincipal } from "../auth/principal.js";
import { errorBody } from "./errors.js";
import { pageHints } from "./page-hints.js";

/** Where `vite build` writes the web app. */
export const webDistDir = join(import.meta.dirname, "..", "..", "..", "dist", "web");

/** Pages anyone may open; every other page needs the right kind of session. */
const publicPages = [
  /^\/(sign-in|forgot-password|reset-password)$/,
  /^\/portal\/(sign-in|forgot-password|reset-password)$/,
  /^\/portal\/invitation\/[^/]+$/,
  /^\/team\/invitation\/[^/]+$/,
  /^\/setup$/,
  /^\/unsubscribe\/[^/]+$/,
];

export const TWO_FACTOR_SETUP_PAGE = "/two-factor-setup";

/** Built asset names carry a content hash, so they never change under the same URL. */
const immutableAsset = "public, max-age=31536000, immutable";

/** Files vite writes under `assets/` are named by their content; anything else may change. */
function isHashedAsset(webDir: string, path: string): boolean {
  return relative(webDir, path).split(sep)[0] === "assets";
}

type PageDecision = { redirect: string } | { serve: true };

const homeOf = (kind: "staff" | "contact") => (kind === "contact" ? "/portal" : "/clients");

/** Staff pages are for staff and portal pages for contacts; each kind is sent to its own side. */
export function decidePage(
  path: string,
  search: string,
  kind: "staff" | "contact" | null,
  /** A staff member whose firm requires two-factor, not yet set up: that comes first. */
  twoFactorSetupRequired = false,
): PageDecision {
  const isPortal = path === "/portal" || path.startsWith("/portal/");
  if (kind === "staff" && twoFactorSetupRequired && !isPortal && path !== TWO_FACTOR_SETUP_PAGE) {
    return { redirect: TWO_FACTOR_SETUP_PAGE };
  }
  if (path === "/") return { redirect: kind ? homeOf(kind) : "/sign-in" };
  if (publicPages.some((page) => page.test(path))) {
    const isSignIn = path === "/sign-in" || path === "/portal/sign-in";
    return isSignIn && kind ? { redirect: homeOf(kind) } : { serve: true };
  }
  const wanted = isPortal ? "contact" : "staff";
  if (kind === wanted) return { serve: true };
  if (kind) return { redirect: homeOf(kind) };
  const signIn = isPortal ? "/portal/sign-in" : "/sign-in";
  return { redirect: `${signIn}?next=${encodeURIComponent(path + search)}` };
}

/**
 * Serves the built single-page app. Page loads without a session are redirected to sign-in
 * here, before any script runs, so a signed-out visitor never sees a protected screen flash.
 */
export async function servePages(app: FastifyInstance, webDir = webDistDir) {
  // Source maps would hand out the app's source; they are not built, and never served either.
  app.addHook("onRequest", async (request, reply) => {
    if (request.url.split("?")[0]?.endsWith(".map")) {
      return reply.status(404).send(errorBody("not_found", "Source maps are not served."));
    }
  });
  const indexPath = join(webDir, "index.html");
  if (!existsSync(indexPath)) {
    app.log.warn("dist/web is missing: run `npm run build` to serve the web app");
    return;
  }
  const indexHtml = readFileSync(indexPath, "utf8");
  const hintsFor = pageHints(webDir);
  await app.register(fastifyStatic, {
    root: webDir,
    wildcard: false,
    index: false,
    // The build writes `.br` and `.gz` beside each asset; the one the browser accepts is sent.
    preCompressed: true,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header("cache-control", isHashedAsset(webDir, path) ? immutableAsset : "no-cache");
    },
  });
  app.decorate("sendPage", async (request: FastifyRequest, reply: FastifyReply) => {
    const [path = "/", query] = request.url.split("?");
    const principal = await resolvePrincipal(
      app.deps.auth,
      app.deps.db,
      request,
      app.deps.principals,
    );
    const decision = decidePage(
      path,
      query ? `?${query}` : "",
      principal?.kind ?? null,
      principal?.kind === "staff" && principal.twoFactorSetupRequired,
    );
    if ("redirect" in decision) return reply.redirect(decision.redirect);
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-cache")
      .send(indexHtml.replace("</head>", `${hintsFor(path)}</head>`));
  });
}

declare module "fastify" {
  interface FastifyInstance {
    sendPage?: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
  }
}
