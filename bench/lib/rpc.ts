import { type ChildProcess, fork } from "node:child_process";
import { join } from "node:path";

/**
 * The benchmark's load runs in child processes, never in the server's or the orchestrator's
 * event loop: each child answers named calls over the IPC channel.
 */

type Reply = { id: number; result?: unknown; error?: string };

export type LoadProcess = {
  call: <T>(name: string, params?: unknown) => Promise<T>;
  pid: number;
  stop: () => Promise<void>;
};

export function startLoadProcess(script = "generator.ts"): LoadProcess {
  const child: ChildProcess = fork(join(import.meta.dirname, "..", "load", script), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let next = 0;
  const waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  child.on("message", (message: Reply) => {
    const waiter = waiting.get(message.id);
    if (!waiter) return;
    waiting.delete(message.id);
    if (message.error) waiter.reject(new Error(message.error));
    else waiter.resolve(message.result);
  });
  child.on("exit", (code) => {
    for (const waiter of waiting.values())
      waiter.reject(new Error(`load process exited (${code})`));
    waiting.clear();
  });
  return {
    pid: child.pid ?? 0,
    call: <T>(name: string, params?: unknown) =>
      new Promise<T>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, name, params });
      }),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.on("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Serves named calls in a load process (the child side of `startLoadProcess`). */
export function serveCalls(handlers: Record<string, (params: never) => unknown>) {
  process.on("message", async (message: { id: number; name: string; params: never }) => {
    const handler = handlers[message.name];
    try {
      if (!handler) throw new Error(`no handler ${message.name}`);
      const result = await handler(message.params);
      process.send?.({ id: message.id, result });
    } catch (error) {
      process.send?.({ id: message.id, error: (error as Error).stack ?? String(error) });
    }
  });
  process.on("disconnect", () => process.exit(0));
}
