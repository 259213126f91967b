import type { EventBus } from "../realtime/event-bus.js";
import { topics } from "../realtime/topics.js";
import type { Principal } from "./principal-types.js";

/**
 * How long a process may answer for a session without asking the database: long enough to
 * spare the lookup on a burst of requests, short enough to bound what a lost event could cost.
 */
export const PRINCIPAL_CACHE_TTL_MS = 10_000;

/** At most this many sessions are remembered per process; the oldest go first. */
export const PRINCIPAL_CACHE_MAX_ENTRIES = 10_000;

/** What `announcePrincipalChanged` takes to mean every cached principal, of every person. */
export const EVERYONE = "*";

/** A principal as the database gave it, with the moment it may no longer be reused. */
export type LivePrincipal = {
  principal: Principal;
  /** Epoch milliseconds; the cache keeps it no later than this (nor beyond its own TTL). */
  freshUntil: number;
};

/** A process's short-lived memory of which session token belongs to which principal. */
export type PrincipalCache = {
  /** The remembered principal of the token, or undefined when the database must answer. */
  get(token: string): Promise<Principal | undefined>;
  /** Call before a lookup starts; hand the result to `remember` with the lookup's answer. */
  generation(): number;
  /** Remembers a lookup's answer, unless anything was invalidated since `generation()` said `since`. */
  remember(token: string, found: LivePrincipal, since: number): void;
  /** Drops one person's entries (a user id) or all of them (`EVERYONE`). */
  forget(who: string): void;
  close(): void;
};

type Entry = { principal: Principal; validUntil: number };

/** The caches bound to each bus: an announcement clears this process's even if the publish fails. */
const cachesOfBus = new WeakMap<EventBus, Set<PrincipalCache>>();

/**
 * A per-process principal cache kept honest by the bus: every change to what a principal holds
 * is announced on `topics.principals` before the change's answer is sent; a remembered principal
 * is used only once the bus has caught up with everything published before the request; and
 * while the bus cannot promise delivery (Redis away, subscriptions not yet live again) the cache
 * answers nothing, so every request asks the database.
 */
export function createPrincipalCache(
  bus: EventBus,
  options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
): PrincipalCache {
  const ttlMs = options.ttlMs ?? PRINCIPAL_CACHE_TTL_MS;
  const maxEntries = options.maxEntries ?? PRINCIPAL_CACHE_MAX_ENTRIES;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const tokensOfUser = new Map<string, Set<string>>();
  // A lookup that began before an invalidation may have read the old rows: it must not be kept.
  let currentGeneration = 0;

  const drop = (token: string) => {
    const entry = entries.get(token);
    if (!entry) return;
    entries.delete(token);
    const tokens = tokensOfUser.get(entry.principal.userId);
    tokens?.delete(token);
    if (tokens?.size === 0) tokensOfUser.delete(entry.principal.userId);
  };
  const forget = (who: string) => {
    currentGeneration += 1;
    if (who === EVERYONE) {
      entries.clear();
      tokensOfUser.clear();
      return;
    }
    for (const token of tokensOfUser.get(who) ?? []) entries.delete(token);
    tokensOfUser.delete(who);
  };

  // Events may be lost from now on: nothing remembered before may be trusted again.
  const distrustAll = () => {
    if (entries.size > 0) forget(EVERYONE);
    else currentGeneration += 1;
  };

  const cache: PrincipalCache = {
    async get(token) {
      if (!bus.delivering()) {
        distrustAll();
        return undefined;
      }
      const entry = entries.get(token);
      if (!entry) return undefined;
      if (entry.validUntil <= now()) {
        drop(token);
        return undefined;
      }
      // A change announced by another process before this request must have arrived first.
      if (!(await bus.caughtUp())) {
        distrustAll();
        return undefined;
      }
      const current = entries.get(token);
      return current === entry && entry.validUntil > now() ? entry.principal : undefined;
    },
    generation: () => currentGeneration,
    remember(token, found, since) {
      if (since !== currentGeneration || !bus.delivering()) return;
      const validUntil = Math.min(now() + ttlMs, found.freshUntil);
      if (validUntil <= now()) return;
      drop(token);
      entries.set(token, { principal: found.principal, validUntil });
      const { userId } = found.principal;
      let tokens = tokensOfUser.get(userId);
      if (!tokens) {
        tokens = new Set();
        tokensOfUser.set(userId, tokens);
      }
      tokens.add(token);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        drop(oldest);
      }
    },
    forget,
    close() {
      stopListening();
      stopResync();
      cachesOfBus.get(bus)?.delete(cache);
      forget(EVERYONE);
    },
  };

  const stopListening = bus.subscribe(topics.principals, forget);
  // After a resync, events may have been missed while the bus was away.
  const stopResync = bus.onResync(() => forget(EVERYONE));
  let caches = cachesOfBus.get(bus);
  if (!caches) {
    caches = new Set();
    cachesOfBus.set(bus, caches);
  }
  caches.add(cache);
  return cache;
}

/**
 * The one call every change to what a signed-in person holds makes, once it has committed
 * (sign-out, revocation, deactivation, role, two-factor, names, portal links; `EVERYONE` when
 * many people change at once), and awaits before answering: this process's caches forget at
 * once, and no other process uses a remembered principal before this announcement reaches it.
 */
export async function announcePrincipalChanged(bus: EventBus, who: string): Promise<void> {
  for (const cache of cachesOfBus.get(bus) ?? []) cache.forget(who);
  await bus.publish(topics.principals, who);
}
