import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import type { ServerEvent } from "../../shared/events.js";
import { isSigningOut, rememberAccessEnded } from "../auth.js";
import { setSocketDown } from "../connection.js";
import { clientKeys } from "../staff/clients.queries.js";
import { whenIdle } from "../ui/whenIdle.js";
import {
  hasThreadMessage,
  messagingKeys,
  removeThreadMessage,
  replaceThreadMessage,
  upsertThreadMessage,
} from "./messageHooks.js";
import { applyReadReceipt } from "./readReceipts.js";

const MIN_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

function realtimeUrl(): string {
  const protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${protocol}//${window.location.host}/api/realtime`;
}

/** Applies one server event to the cached queries, so open screens change without a refetch. */
export function applyServerEvent(queryClient: QueryClient, event: ServerEvent) {
  const refetchThread = (conversationId: string) =>
    void queryClient.invalidateQueries({ queryKey: messagingKeys.thread(conversationId) });
  // This tab's own send or edit, already applied from the HTTP answer: nothing left to do.
  if (
    (event.type === "message.created" || event.type === "message.updated") &&
    hasThreadMessage(queryClient, event.data.message)
  ) {
    return;
  }
  switch (event.type) {
    case "message.created":
      if (!upsertThreadMessage(queryClient, event.data.message)) {
        // Not loaded (nothing to do), still loading (the answer may predate this event), or a
        // gap: refetching covers all three; an unloaded thread simply stays stale until opened.
        refetchThread(event.data.conversationId);
      }
      break;
    case "message.updated":
      // Only the copy on screen can be stale; an unloaded page arrives already edited.
      replaceThreadMessage(queryClient, event.data.message);
      break;
    case "message.deleted":
      removeThreadMessage(queryClient, event.data.conversationId, event.data.messageId);
      break;
    case "contact.changed":
      void queryClient.invalidateQueries({ queryKey: clientKeys.contacts(event.data.clientId) });
      break;
    case "team.changed":
      // Mention suggestions, the Team page and the firm's name in the header.
      void queryClient.invalidateQueries({ queryKey: ["team"] });
      void queryClient.invalidateQueries({ queryKey: ["session"] });
      return;
    case "notification.changed":
      void queryClient.invalidateQueries({ queryKey: ["notifications"] });
      void queryClient.invalidateQueries({ queryKey: ["inbox"] });
      return;
    case "conversation.receipt":
      applyReadReceipt(queryClient, event.data.conversationId, event.data.receipt);
      return;
    case "conversation.created":
    case "conversation.read":
      break;
  }
  // The staff inbox and the client list's unread totals span every client, so any message or
  // read changes what they show.
  void queryClient.invalidateQueries({ queryKey: ["inbox"] });
  void queryClient.invalidateQueries({ queryKey: clientKeys.lists });
  void queryClient.invalidateQueries({
    queryKey: messagingKeys.conversations(event.data.clientId),
  });
}

function isServerEvent(value: unknown): value is ServerEvent {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { type?: unknown }).type === "string" &&
    typeof (value as { data?: unknown }).data === "object"
  );
}

/**
 * Keeps this tab's one WebSocket open, reconnecting with backoff. Each (re)connection ends in
 * `ready`, and then every messaging query is refetched: that is how a view catches up on what
 * happened while it was offline, without gaps or duplicates.
 */
export function useRealtimeUpdates() {
  const queryClient = useQueryClient();
  useEffect(() => {
    let socket: WebSocket | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let failures = 0;
    let stopped = false;

    const connect = () => {
      clearTimeout(retryTimer);
      socket = new WebSocket(realtimeUrl());
      socket.onmessage = (frame) => {
        let payload: unknown;
        try {
          payload = JSON.parse(String(frame.data));
        } catch {
          return;
        }
        const type = (payload as { type?: unknown })?.type;
        if (type === "ready") {
          failures = 0;
          setSocketDown(false);
          void queryClient.invalidateQueries({ queryKey: messagingKeys.all });
        } else if (type === "access.ended") {
          rememberAccessEnded(String((payload as { firmName?: unknown }).firmName ?? ""));
        } else if (type === "access.revoked" && !isSigningOut()) {
          // (Signing out here is already leaving the page: refetching would only log 401s.)
          // This socket's session is gone: refetching what is on screen meets the 401 that sends
          // the person to sign-in. If this tab holds a newer session (its password was changed
          // here), the refetch succeeds and the socket reconnects with it.
          void queryClient.invalidateQueries();
        } else if (isServerEvent(payload)) {
          applyServerEvent(queryClient, payload);
        }
      };
      socket.onclose = () => {
        if (stopped) return;
        setSocketDown(true);
        const ceiling = Math.min(MAX_RETRY_MS, MIN_RETRY_MS * 2 ** failures);
        failures += 1;
        retryTimer = setTimeout(connect, ceiling / 2 + (Math.random() * ceiling) / 2);
      };
    };
    const reconnectNow = () => {
      if (socket?.readyState !== WebSocket.CLOSED) return;
      failures = 0;
      connect();
    };

    // Opened once the page's first screen is built: its "ready" makes every shown query fetch
    // again, which would otherwise land in the middle of that work.
    const cancelConnect = whenIdle(connect, 1_000);
    window.addEventListener("online", reconnectNow);
    return () => {
      stopped = true;
      cancelConnect();
      setSocketDown(false);
      clearTimeout(retryTimer);
      window.removeEventListener("online", reconnectNow);
      socket?.close();
    };
  }, [queryClient]);
}
