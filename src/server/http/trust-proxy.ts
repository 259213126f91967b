import type { Config } from "../config.js";

/**
 * Fastify's `trustProxy` for our setting. Fastify ignores a bare hop count (it cannot check the
 * peer), so a count becomes a function trusting that many hops nearest the server: the address
 * the outermost trusted proxy saw is the client's, and whatever the client wrote to the left of
 * it in X-Forwarded-For is ignored.
 */
export function fastifyTrustProxy(
  setting: Config["trustProxy"],
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== "number") return setting;
  return (_address, hop) => hop < setting;
}
