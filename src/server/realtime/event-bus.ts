/**
 * Carries serialized events between server processes: publish once per audience topic, every
 * subscribed socket in every process receives the same string. Publish only after commit.
 */
export interface EventBus {
  publish(topic: string, payload: string): Promise<void>;
  subscribe(topic: string, listener: (payload: string) => void): () => void;
  /**
   * Called when events may have been lost (the shared bus was unreachable): every socket then
   * tells its client to refetch. The in-process bus never loses one.
   */
  onResync(listener: () => void): () => void;
  /**
   * Whether every event published from now on, by any process, reaches this process's
   * subscribers: false while the shared bus is unreachable or its subscriptions are not yet live
   * again. What depends on hearing every event (the principal cache) is bypassed meanwhile.
   */
  delivering(): boolean;
  /**
   * Resolves true once everything any process published before this call has reached this
   * process's listeners, or false when that cannot be promised (the shared bus is away).
   */
  caughtUp(): Promise<boolean>;
  /** Resolves once every subscription made so far is live, so nothing published after is missed. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** The single-process bus: enough when one server process serves everyone. */
export function createMemoryEventBus(): EventBus {
  const listeners = new Map<string, Set<(payload: string) => void>>();
  return {
    async publish(topic, payload) {
      for (const listener of listeners.get(topic) ?? []) listener(payload);
    },
    subscribe(topic, listener) {
      let set = listeners.get(topic);
      if (!set) {
        set = new Set();
        listeners.set(topic, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(topic);
      };
    },
    onResync() {
      return () => {};
    },
    delivering: () => true,
    // Listeners run inside `publish`: nothing published earlier is still on its way.
    caughtUp: async () => true,
    async settled() {},
    async close() {
      listeners.clear();
    },
  };
}
