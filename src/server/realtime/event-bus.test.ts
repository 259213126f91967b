import { afterAll, describe, expect, it } from "vitest";
import { startRedisServer } from "../../../test/processes.js";
import { publishAfterAnswer } from "./deferred-bus.js";
import { createMemoryEventBus, type EventBus } from "./event-bus.js";
import { createRedisEventBus } from "./redis-event-bus.js";

const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const opened: EventBus[] = [];
afterAll(async () => {
  for (const bus of opened) await bus.close();
});

/** Resolves with the first payload a subscriber receives on `topic`, or rejects after a timeout. */
function nextPayload(bus: EventBus, topic: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nothing arrived on ${topic}`)), 5_000);
    const stop = bus.subscribe(topic, (payload) => {
      clearTimeout(timer);
      stop();
      resolve(payload);
    });
  });
}

describe("in-process event bus", () => {
  it("delivers to subscribers of the topic only, until they unsubscribe", async () => {
    const bus = createMemoryEventBus();
    const received: string[] = [];
    const other: string[] = [];
    const stop = bus.subscribe("a", (payload) => received.push(payload));
    bus.subscribe("b", (payload) => other.push(payload));
    await bus.publish("a", "one");
    stop();
    await bus.publish("a", "two");
    expect(received).toEqual(["one"]);
    expect(other).toEqual([]);
  });
});

describe("Redis event bus (several server processes)", () => {
  it("delivers an event published by one process to subscribers in another", async () => {
    const [processA, processB] = await Promise.all([
      createRedisEventBus(redisUrl),
      createRedisEventBus(redisUrl),
    ]);
    opened.push(processA, processB);
    const topic = `test:${crypto.randomUUID()}`;
    const arrived = nextPayload(processB, topic);
    await processB.settled();
    await processA.publish(topic, "hello from A");
    expect(await arrived).toBe("hello from A");
  });

  it("keeps topics apart and stops delivering after a listener unsubscribes", async () => {
    const bus = await createRedisEventBus(redisUrl);
    opened.push(bus);
    const topic = `test:${crypto.randomUUID()}`;
    const otherTopic = `test:${crypto.randomUUID()}`;
    const onTopic: string[] = [];
    const onOther: string[] = [];
    const stop = bus.subscribe(topic, (payload) => onTopic.push(payload));
    bus.subscribe(otherTopic, (payload) => onOther.push(payload));
    await bus.settled();
    await bus.publish(topic, "first");
    await expect.poll(() => onTopic, { timeout: 5_000 }).toEqual(["first"]);
    stop();
    // Redis keeps one connection's publishes in order: once "marker" arrives, "second" was due.
    await bus.publish(topic, "second");
    await bus.publish(otherTopic, "marker");
    await expect.poll(() => onOther, { timeout: 5_000 }).toEqual(["marker"]);
    expect(onTopic).toEqual(["first"]);
  });
});

describe("catching up with other processes", () => {
  it("has delivered an event another process published before `caughtUp` resolves", async () => {
    const [processA, processB] = await Promise.all([
      createRedisEventBus(redisUrl),
      createRedisEventBus(redisUrl),
    ]);
    opened.push(processA, processB);
    const topic = `test:${crypto.randomUUID()}`;
    const received: string[] = [];
    processB.subscribe(topic, (payload) => received.push(payload));
    await processB.settled();
    for (let round = 0; round < 20; round += 1) {
      await processA.publish(topic, String(round));
      // Asked at once, as a request reaching B right after A answered would.
      await expect(processB.caughtUp()).resolves.toBe(true);
      expect(received).toContain(String(round));
    }
    expect(createMemoryEventBus().delivering()).toBe(true);
  });
});

describe("Redis event bus through an outage", () => {
  it("keeps publishing without failing, and asks every process to resynchronise once Redis is back", async () => {
    const redis = await startRedisServer();
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    const [processA, processB] = await Promise.all([
      createRedisEventBus(redis.url, { warn }),
      createRedisEventBus(redis.url, { warn }),
    ]);
    try {
      const topic = `test:${crypto.randomUUID()}`;
      const received: string[] = [];
      processB.subscribe(topic, (payload) => received.push(payload));
      let resyncs = 0;
      processB.onResync(() => {
        resyncs += 1;
      });
      await processB.settled();
      expect(processB.delivering()).toBe(true);
      await expect(processB.caughtUp()).resolves.toBe(true);

      await redis.stop();
      // A send during the outage commits; its publish must not turn into an error.
      await expect(processA.publish(topic, "lost in the outage")).resolves.toBeUndefined();
      // B knows it may be missing events, and says so rather than waiting.
      await expect.poll(() => processB.delivering(), { timeout: 15_000 }).toBe(false);
      await expect(processB.caughtUp()).resolves.toBe(false);
      await redis.start();

      await expect.poll(() => resyncs, { timeout: 15_000 }).toBeGreaterThan(0);
      await expect.poll(() => processB.delivering(), { timeout: 15_000 }).toBe(true);
      // Resubscribed by the time it asks for a resync: what is published now arrives.
      await expect
        .poll(
          async () => {
            await processA.publish(topic, "after the outage");
            return received.includes("after the outage");
          },
          { timeout: 15_000 },
        )
        .toBe(true);
      expect(received).not.toContain("lost in the outage");
      expect(warnings.some((message) => message.includes("publish failed"))).toBe(true);
    } finally {
      await Promise.all([processA.close(), processB.close()]);
      await redis.stop();
    }
  });
});

describe("publishing after the answer", () => {
  it("delivers nothing while the publisher still runs, then every event once, in publish order", async () => {
    const inner = createMemoryEventBus();
    const bus = publishAfterAnswer(inner, { error: () => {} });
    const received: string[] = [];
    bus.subscribe("a", (payload) => received.push(`a:${payload}`));
    bus.subscribe("b", (payload) => received.push(`b:${payload}`));
    await bus.publish("a", "1");
    await bus.publish("b", "2");
    await bus.publish("a", "3");
    expect(received).toEqual([]);
    await bus.drain();
    expect(received).toEqual(["a:1", "b:2", "a:3"]);
    await bus.publish("b", "4");
    await bus.drain();
    expect(received).toEqual(["a:1", "b:2", "a:3", "b:4"]);
  });
});
