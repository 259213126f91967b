import { announcePrincipalChanged } from "../auth/principal-cache.js";
import type { EventBus } from "./event-bus.js";
import { topics } from "./topics.js";

/** Bus-only message (never sent to a browser): each socket of the user re-checks its session. */
export const SESSION_CHECK = JSON.stringify({ type: "session.check" });

/**
 * The one thing every way of ending access calls once the sessions are gone (sign-out, password
 * change or reset, revocation, removal): every socket of that person, on every server process,
 * checks that its own session still exists and closes if it does not, and no process answers
 * from a principal it remembered.
 */
export async function announceAccessEnded(bus: EventBus, userId: string): Promise<void> {
  await announcePrincipalChanged(bus, userId);
  await bus.publish(topics.user(userId), SESSION_CHECK);
}
