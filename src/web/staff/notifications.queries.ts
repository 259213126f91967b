import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { InboxFilter } from "../../shared/api/notifications.js";
import { call } from "../api.js";

/** Every notification and inbox query starts with these keys, so one event refreshes them all. */
export const notificationKeys = {
  all: ["notifications"] as const,
  count: ["notifications", "count"] as const,
  list: ["notifications", "list"] as const,
};
export const inboxKeys = {
  all: ["inbox"] as const,
  list: (filter: InboxFilter) => ["inbox", "list", filter] as const,
  unreadTotal: ["inbox", "unread-total"] as const,
};

export function useNotificationCount() {
  return useQuery({
    queryKey: notificationKeys.count,
    queryFn: async () => (await call("getNotificationCount")).unreadCount,
  });
}

export function useNotifications(enabled: boolean) {
  return useInfiniteQuery({
    queryKey: notificationKeys.list,
    enabled,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call("listNotifications", { query: pageParam ? { before: pageParam } : {} }),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (notificationId: string) =>
      call("markNotificationRead", { params: { notificationId } }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useMarkAllNotificationsRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => call("markAllNotificationsRead"),
    onSettled: () => queryClient.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function useInbox(filter: InboxFilter) {
  return useInfiniteQuery({
    queryKey: inboxKeys.list(filter),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      call("listInbox", { query: pageParam ? { filter, before: pageParam } : { filter } }),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

export function useInboxUnreadTotal() {
  return useQuery({
    queryKey: inboxKeys.unreadTotal,
    queryFn: async () => (await call("getInboxUnreadTotal")).unreadConversations,
  });
}

/** Where a conversation opens in the client's Messages tab, scrolled to `messageId` if given. */
export const conversationHref = (clientId: string, conversationId: string, messageId?: string) =>
  `/clients/${clientId}/messages/${conversationId}${messageId ? `?message=${messageId}` : ""}`;
