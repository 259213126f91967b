import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import type { Config } from "../config.js";
import { AppError } from "./errors.js";

const ONE_MINUTE_MS = 60_000;

/**
 * Registers per-person rate limits (routes opt in with `config.rateLimit`). Counts live in
 * Redis when REDIS_URL is set, so every server process shares them; in the process otherwise.
 * Must be registered before the routes it limits.
 */
export async function registerRateLimits(app: FastifyInstance, config: Config) {
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
    : undefined;
  if (redis) {
    await redis.connect();
    // Later outages must not crash the process; the limiter skips its check meanwhile.
    redis.on("error", (error) => app.log.warn({ err: error }, "rate-limit store unavailable"));
    app.addHook("onClose", async () => {
      await redis.quit();
    });
  }
  await app.register(rateLimit, {
    global: false,
    ...(redis ? { redis, nameSpace: "portico:rate-limit:" } : {}),
    // Keyed by the signed-in person, not the address: limited routes resolve the principal first.
    keyGenerator: (request) => request.principal?.userId ?? `address:${request.ip}`,
    errorResponseBuilder: (_request, context) =>
      new AppError(
        "rate_limited",
        context.statusCode,
        `You are doing that too quickly. Try again in ${context.after}.`,
      ),
    // A limit is a guard against floods: a store outage must not stop people from writing.
    skipOnError: true,
  });
}

/** Route config for the message routes: sends and edits each per person per minute. */
export function messageRateLimits(config: Config) {
  return {
    send: { rateLimit: { max: config.messageSendRateLimit, timeWindow: ONE_MINUTE_MS } },
    edit: { rateLimit: { max: config.messageEditRateLimit, timeWindow: ONE_MINUTE_MS } },
  };
}
