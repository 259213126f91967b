import { Redis } from "ioredis";
import type { EventBus } from "./event-bus.js";

/**
 * The bus for several server processes: every process publishes to Redis and subscribes (once
 * per topic, however many local sockets want it), so an event reaches sockets on every process.
 */
export async function createRedisEventBus(url: string): Promise<EventBus> {
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const subscriber = new Redis(url, { lazyConnect: true });
  await Promise.all([publisher.connect(), subscriber.connect()]);
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let pending: Promise<unknown> = Promise.resolve();

  subscriber.on("message", (topic: string, payload: string) => {
    for (const listener of listeners.get(topic) ?? []) listener(payload);
  });

  return {
    async publish(topic, payload) {
      await publisher.publish(topic, payload);
    },
    subscribe(topic, listener) {
      let set = listeners.get(topic);
      if (!set) {
        set = new Set();
        listeners.set(topic, set);
        pending = Promise.all([pending, subscriber.subscribe(topic)]);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(topic) === set) {
          listeners.delete(topic);
          void subscriber.unsubscribe(topic);
        }
      };
    },
    async settled() {
      await pending;
    },
    async close() {
      listeners.clear();
      await Promise.all([publisher.quit(), subscriber.quit()]);
    },
  };
}
