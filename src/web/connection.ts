import { onlineManager } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";

/**
 * Whether this tab can reach the server: the browser is online and the realtime socket, once
 * started, is connected. Queries and sends wait while it cannot (TanStack Query's online state
 * follows this), and resume on their own when it can again.
 */
export type ConnectionProblem = "offline" | "reconnecting" | null;

let socketDown = false;
const listeners = new Set<() => void>();
const notify = () => {
  for (const listener of listeners) listener();
};

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener("online", listener);
  window.addEventListener("offline", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("online", listener);
    window.removeEventListener("offline", listener);
  };
}

export function connectionProblem(): ConnectionProblem {
  if (!navigator.onLine) return "offline";
  return socketDown ? "reconnecting" : null;
}

/** Told by the realtime socket when it closes unexpectedly and when it is ready again. */
export function setSocketDown(down: boolean) {
  if (socketDown === down) return;
  socketDown = down;
  notify();
}

export const useConnectionProblem = () => useSyncExternalStore(subscribe, connectionProblem);

/** Makes queries and mutations wait for the connection rather than fail while it is gone. */
export function linkQueriesToConnection() {
  onlineManager.setEventListener((setOnline) =>
    subscribe(() => setOnline(connectionProblem() === null)),
  );
}
