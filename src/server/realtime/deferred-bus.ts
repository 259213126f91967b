import type { EventBus } from "./event-bus.js";
import { topics } from "./topics.js";

/** A bus whose publishes leave after the current answer; `drain` waits for all of them. */
export type DeferredBus = EventBus & { drain(): Promise<void> };

/**
 * Publishes once the code that published has let go of the event loop: the answer to the request
 * that caused an event is written before the event fans out to every socket. Events leave in the
 * order they were published, from the whole process, so no event overtakes an earlier one.
 */
export function publishAfterAnswer(
  bus: EventBus,
  log: { error: (details: object, message: string) => void },
): DeferredBus {
  let queue: [topic: string, payload: string][] = [];
  let sending: Promise<void> | null = null;
  const send = async () => {
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      for (const [topic, payload] of batch) {
        try {
          await bus.publish(topic, payload);
        } catch (error) {
          log.error({ err: error, topic }, "event publish failed");
        }
      }
    }
    sending = null;
  };
  return {
    publish(topic, payload) {
      // The answer reports the change as done, so no process may keep the old principal past it.
      if (topic === topics.principals) return bus.publish(topic, payload);
      queue.push([topic, payload]);
      sending ??= send();
      return Promise.resolve();
    },
    subscribe: (topic, listener) => bus.subscribe(topic, listener),
    onResync: (listener) => bus.onResync(listener),
    delivering: () => bus.delivering(),
    caughtUp: () => bus.caughtUp(),
    settled: () => bus.settled(),
    close: () => bus.close(),
    async drain() {
      while (sending) await sending;
    },
  };
}
