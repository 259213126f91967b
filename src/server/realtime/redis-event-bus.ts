import { Redis } from "ioredis";
import type { EventBus } from "./event-bus.js";

/** Bus-only topic: a process whose publishes failed says so here once Redis answers again. */
const RESYNC_TOPIC = "bus:resync";

/**
 * The bus for several server processes: every process publishes to Redis and subscribes (once
 * per topic, however many local sockets want it), so an event reaches sockets on every process.
 *
 * Redis pub/sub keeps nothing for a subscriber that is away, so an outage loses events. A send
 * still succeeds while Redis is down (its data is committed; only the news is lost); once the
 * subscription is back, or a process whose publishes failed reaches Redis again, every process
 * tells its sockets to resynchronise (refetch), which recovers what was missed.
 */
export async function createRedisEventBus(
  url: string,
  options: { warn?: (message: string, error?: unknown) => void } = {},
): Promise<EventBus> {
  const warn = options.warn ?? ((message, error) => console.warn(message, error ?? ""));
  // No offline queue: a publish while Redis is away fails at once instead of holding the send.
  const publisher = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  // Resubscribed by hand after a reconnect, so the resync is announced only once it is live.
  const subscriber = new Redis(url, { lazyConnect: true, autoResubscribe: false });
  const listeners = new Map<string, Set<(payload: string) => void>>();
  const resyncListeners = new Set<() => void>();
  let pending: Promise<unknown> = Promise.resolve();
  let publishFailed = false;
  let closing = false;

  const resync = () => {
    for (const listener of resyncListeners) listener();
  };
  const subscribeTopics = (topicNames: string[]) =>
    subscriber.subscribe(...topicNames).catch((error: unknown) => {
      // The reconnect that follows subscribes every topic again.
      if (!closing) warn("Redis subscribe failed; retrying after reconnect", error);
    });

  subscriber.on("message", (topic: string, payload: string) => {
    if (topic === RESYNC_TOPIC) return resync();
    for (const listener of listeners.get(topic) ?? []) listener(payload);
  });
  subscriber.on("error", (error) => warn("Redis subscriber connection error", error));
  publisher.on("error", (error) => warn("Redis publisher connection error", error));

  await Promise.all([publisher.connect(), subscriber.connect()]);
  await subscriber.subscribe(RESYNC_TOPIC);

  subscriber.on("ready", async () => {
    // Every ready after the first is a reconnect: what was published meanwhile never came.
    await subscribeTopics([RESYNC_TOPIC, ...listeners.keys()]);
    resync();
  });
  publisher.on("ready", () => {
    if (!publishFailed) return;
    publishFailed = false;
    publisher.publish(RESYNC_TOPIC, "").catch(() => {
      publishFailed = true;
    });
  });

  return {
    async publish(topic, payload) {
      try {
        await publisher.publish(topic, payload);
      } catch (error) {
        publishFailed = true;
        warn("Redis publish failed; sockets will resynchronise when it is back", error);
      }
    },
    subscribe(topic, listener) {
      let set = listeners.get(topic);
      if (!set) {
        set = new Set();
        listeners.set(topic, set);
        pending = Promise.all([pending, subscribeTopics([topic])]);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(topic) === set) {
          listeners.delete(topic);
          void subscriber.unsubscribe(topic).catch(() => {});
        }
      };
    },
    onResync(listener) {
      resyncListeners.add(listener);
      return () => resyncListeners.delete(listener);
    },
    async settled() {
      await pending;
    },
    async close() {
      closing = true;
      listeners.clear();
      resyncListeners.clear();
      subscriber.removeAllListeners("ready");
      publisher.removeAllListeners("ready");
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };
}
