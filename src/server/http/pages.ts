import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { resolvePrincipal } from "../auth/principal.js";

/** Where `vite build` writes the web app. */
export const webDistDir = join(import.meta.dirname, "..", "..", "..", "dist", "web");

const publicPages = new Set(["/sign-in"]);

/**
 * Serves the built single-page app. Page loads without a session are redirected to sign-in
 * here, before any script runs, so a signed-out visitor never sees a protected screen flash.
 */
export async function servePages(app: FastifyInstance) {
  const indexPath = join(webDistDir, "index.html");
  if (!existsSync(indexPath)) {
    app.log.warn("dist/web is missing: run `npm run build` to serve the web app");
    return;
  }
  const indexHtml = readFileSync(indexPath, "utf8");
  await app.register(fastifyStatic, {
    root: webDistDir,
    wildcard: false,
    index: false,
    // Built asset names carry a content hash, so they never change under the same URL.
    immutable: true,
    maxAge: "365d",
  });
  app.decorate("sendPage", async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split("?")[0] ?? "/";
    const principal = await resolvePrincipal(app.deps.auth, app.deps.db, request);
    const signedIn = principal?.kind === "staff";
    if (path === "/") return reply.redirect(signedIn ? "/clients" : "/sign-in");
    if (publicPages.has(path)) {
      if (signedIn) return reply.redirect("/clients");
    } else if (!signedIn) {
      return reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`);
    }
    return reply
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-cache")
      .send(indexHtml);
  });
}

declare module "fastify" {
  interface FastifyInstance {
    sendPage?: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
  }
}
