import type { FastifyBaseLogger } from "fastify";

/**
 * Work an answer must not wait for, such as writing the e-mail about a person's own account:
 * the answer then takes the same time whether or not there was anything to send.
 */
export type BackgroundTasks = {
  run(name: string, task: () => Promise<unknown>): void;
  /** Resolves once every task started so far has finished (the server waits for it to stop). */
  drain(): Promise<void>;
};

export function createBackgroundTasks(log: FastifyBaseLogger): BackgroundTasks {
  const running = new Set<Promise<void>>();
  return {
    run(name, task) {
      const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
        .then(task)
        .then(
          () => {},
          (error: unknown) => log.error({ err: error, task: name }, "background task failed"),
        )
        .finally(() => running.delete(done));
      running.add(done);
    },
    async drain() {
      while (running.size > 0) await Promise.all(running);
    },
  };
}
