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
  // Counts subscriber connections, so a resubscription that finishes after its connection
  // dropped does not count as live.
  let connection = 0;
  let subscriptionsLive = false;
  let subscribing = 0;
  const subscribeTopics = async (topicNames: string[]): Promise<boolean> => {
    subscribing += 1;
    try {
      await subscriber.subscribe(...topicNames);
      return true;
    } catch (error) {
      // The reconnect that follows subscribes every topic again.
      if (!closing) warn("Redis subscribe failed; retrying after reconnect", error);
      subscriptionsLive = false;
      return false;
    } finally {
      subscribing -= 1;
    }
  };

  subscriber.on("message", (topic: string, payload: string) => {
    if (topic === RESYNC_TOPIC) return resync();
    for (const listener of listeners.get(topic) ?? []) listener(payload);
  });
  subscriber.on("error", (error) => warn("Redis subscriber connection error", error));
  publisher.on("error", (error) => warn("Redis publisher connection error", error));

  await Promise.all([publisher.connect(), subscriber.connect()]);
  await subscriber.subscribe(RESYNC_TOPIC);
  subscriptionsLive = true;

  // From the moment the connection drops, what others publish may never arrive here.
  subscriber.on("close", () => {
    connection += 1;
    subscriptionsLive = false;
  });
  subscriber.on("ready", async () => {
    const current = connection;
    // Every ready after the first is a reconnect: what was published meanwhile never came.
    const live = await subscribeTopics([RESYNC_TOPIC, ...listeners.keys()]);
    if (live && current === connection) subscriptionsLive = true;
    resync();
  });
  publisher.on("ready", () => {
    if (!publishFailed) return;
    publishFailed = false;
    publisher.publish(RESYNC_TOPIC, "").catch(() => {
      publishFailed = true;
    });
  });

  const delivering = () => subscriptionsLive && subscribing === 0 && subscriber.status === "ready";
  /**
   * Redis answers a PING on the subscriber connection only after every message it sent that
   * connection before: once the answer is here, so is everything published before the PING.
   */
  const ping = (): Promise<boolean> => {
    const current = connection;
    return new Promise((resolve) => {
      const lost = () => resolve(false);
      subscriber.once("close", lost);
      subscriber
        .ping()
        .then(
          () => resolve(current === connection && delivering()),
          () => resolve(false),
        )
        .finally(() => subscriber.off("close", lost));
    });
  };
  let sentPing: Promise<boolean> | null = null;
  let nextPing: Promise<boolean> | null = null;
  const caughtUp = (): Promise<boolean> => {
    if (!delivering()) return Promise.resolve(false);
    if (!sentPing) {
      sentPing = ping().finally(() => {
        sentPing = null;
      });
      return sentPing;
    }
    // The PING already on its way may have left before what this caller must see: one more
    // follows it, shared by everyone who asks meanwhile.
    nextPing ??= sentPing.then(() => {
      nextPing = null;
      return caughtUp();
    });
    return nextPing;
  };

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
    delivering,
    caughtUp,
    async settled() {
      await pending;
    },
    async close() {
      closing = true;
      subscriptionsLive = false;
      listeners.clear();
      resyncListeners.clear();
      subscriber.removeAllListeners("ready");
      publisher.removeAllListeners("ready");
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };
}
