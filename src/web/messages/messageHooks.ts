import {
  type InfiniteData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQueryClient,
} from "@tanstack/react-query";
import type {
  Conversation,
  ConversationList,
  Message,
  MessagePage,
} from "../../shared/api/messaging.js";
import type { RichTextDoc } from "../../shared/rich-text/document.js";
import { call } from "../api.js";
import { useMessagingSide } from "./messagingSide.js";

export const messagingKeys = {
  all: ["messaging"] as const,
  conversations: (clientId: string) => ["messaging", "conversations", clientId] as const,
  thread: (conversationId: string) => ["messaging", "thread", conversationId] as const,
};

/** Pages are kept newest first (page 0 = newest), so a refetch walks back from the present. */
export type ThreadData = InfiniteData<MessagePage, number | undefined>;

export function useThreadMessages(conversationId: string) {
  const side = useMessagingSide();
  return useInfiniteQuery({
    queryKey: messagingKeys.thread(conversationId),
    queryFn: ({ pageParam }) => {
      // The server's page size applies: the page asks for the same address as the server's hint.
      const page = { params: { conversationId }, query: { before: pageParam } };
      return side === "staff" ? call("listMessages", page) : call("listPortalMessages", page);
    },
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => (page.hasOlder ? page.messages[0]?.seq : undefined),
  });
}

/** The loaded messages, oldest first, each once even if pages overlap after live inserts. */
export function flattenThread(data: { pages: MessagePage[] } | undefined): Message[] {
  if (!data) return [];
  const byId = new Map<string, Message>();
  for (const page of data.pages) for (const message of page.messages) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

function newestLoadedSeq(data: ThreadData): number {
  return data.pages[0]?.messages.at(-1)?.seq ?? 0;
}

/**
 * Whether the loaded thread already shows this message at this version or a newer one: then the
 * socket's echo of this tab's own send or edit (or the answer after the echo) changes nothing.
 */
export function hasThreadMessage(queryClient: QueryClient, message: Message): boolean {
  const data = queryClient.getQueryData<ThreadData>(messagingKeys.thread(message.conversationId));
  return (
    data?.pages.some((page) =>
      page.messages.some((m) => m.id === message.id && m.version >= message.version),
    ) ?? false
  );
}

/** Swaps in a newer copy of a message that is already loaded; anything else is left alone. */
export function replaceThreadMessage(queryClient: QueryClient, message: Message): boolean {
  const key = messagingKeys.thread(message.conversationId);
  const data = queryClient.getQueryData<ThreadData>(key);
  if (!data?.pages.some((page) => page.messages.some((m) => m.id === message.id))) return false;
  queryClient.setQueryData<ThreadData>(key, {
    ...data,
    pages: data.pages.map((page) => ({
      ...page,
      messages: page.messages.map((m) =>
        m.id === message.id && m.version <= message.version ? message : m,
      ),
    })),
  });
  return true;
}

/**
 * Puts a message into a loaded thread (replacing an older copy of it). Returns false when the
 * thread is not loaded, is being fetched, or the message skips past a seq we never saw, so the
 * caller refetches.
 */
export function upsertThreadMessage(queryClient: QueryClient, message: Message): boolean {
  if (replaceThreadMessage(queryClient, message)) return true;
  const key = messagingKeys.thread(message.conversationId);
  const data = queryClient.getQueryData<ThreadData>(key);
  if (!data) return false;
  const newest = newestLoadedSeq(data);
  if (message.seq <= newest) return false;
  const [first, ...rest] = data.pages;
  const firstPage = first ?? { messages: [], hasOlder: false };
  queryClient.setQueryData<ThreadData>(key, {
    ...data,
    pages: [{ ...firstPage, messages: [...firstPage.messages, message] }, ...rest],
  });
  // A fetch already on its way may have been answered before this message existed; landing
  // later, it would drop the message, so the caller fetches again.
  if (queryClient.isFetching({ queryKey: key }) > 0) return false;
  // Seq numbers also skip where a message was deleted, so a jump only *may* mean a missed event.
  return newest === 0 || message.seq === newest + 1;
}

export function removeThreadMessage(
  queryClient: QueryClient,
  conversationId: string,
  messageId: string,
) {
  queryClient.setQueryData<ThreadData>(messagingKeys.thread(conversationId), (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            messages: page.messages.filter((message) => message.id !== messageId),
          })),
        }
      : data,
  );
}

/** `internal` is for staff only: the portal's endpoint refuses a body that carries it. */
export type SendInput = {
  id: string;
  body: RichTextDoc;
  internal?: boolean;
  attachmentIds?: string[];
};

export function useSendMessage(conversationId: string, clientId: string) {
  const queryClient = useQueryClient();
  const side = useMessagingSide();
  return useMutation({
    mutationFn: ({ id, body, internal, attachmentIds = [] }: SendInput) =>
      side === "staff"
        ? call("sendMessage", {
            params: { conversationId },
            body: { id, body, internal, attachmentIds },
          })
        : call("sendPortalMessage", {
            params: { conversationId },
            body: { id, body, attachmentIds },
          }),
    onSuccess: (message) => {
      // The socket's echo may have come first and refreshed the list already: once is enough.
      if (hasThreadMessage(queryClient, message)) return;
      if (!upsertThreadMessage(queryClient, message)) {
        void queryClient.invalidateQueries({ queryKey: messagingKeys.thread(conversationId) });
      }
      void queryClient.invalidateQueries({ queryKey: messagingKeys.conversations(clientId) });
    },
  });
}

export function useEditMessage(message: Message, clientId: string) {
  const queryClient = useQueryClient();
  const side = useMessagingSide();
  return useMutation({
    mutationFn: (body: { body: RichTextDoc; version: number; removeAttachmentIds: string[] }) => {
      const edit = { params: { messageId: message.id }, body };
      return side === "staff" ? call("editMessage", edit) : call("editPortalMessage", edit);
    },
    onSuccess: (updated, sent) => {
      // The Files views list every file sent; one taken off a message leaves them.
      if (sent.removeAttachmentIds.length > 0) {
        void queryClient.invalidateQueries({ queryKey: ["clientFiles"] });
      }
      if (hasThreadMessage(queryClient, updated)) return;
      replaceThreadMessage(queryClient, updated);
      void queryClient.invalidateQueries({ queryKey: messagingKeys.conversations(clientId) });
    },
    onError: () => {
      // Whatever the failure, show the message as the server has it now.
      void queryClient.invalidateQueries({
        queryKey: messagingKeys.thread(message.conversationId),
      });
    },
  });
}

export function useDeleteMessage(clientId: string) {
  const queryClient = useQueryClient();
  const side = useMessagingSide();
  return useMutation({
    mutationFn: (message: Message) => {
      const params = { messageId: message.id };
      return side === "staff"
        ? call("deleteMessage", { params })
        : call("deletePortalMessage", { params });
    },
    onSuccess: (_result, message) => {
      removeThreadMessage(queryClient, message.conversationId, message.id);
      if (message.attachments.length > 0) {
        void queryClient.invalidateQueries({ queryKey: ["clientFiles"] });
      }
      void queryClient.invalidateQueries({ queryKey: messagingKeys.conversations(clientId) });
    },
  });
}

/**
 * Read positions this tab has reported, by conversation. A list fetched while a read report
 * was still on its way would otherwise flash the open conversation as unread again.
 */
const reportedReads = new Map<string, number>();

/** Notes a read report; returns how to take it back if the server refuses it. */
export function noteReadReport(conversationId: string, seq: number): () => void {
  const before = reportedReads.get(conversationId);
  reportedReads.set(conversationId, Math.max(before ?? 0, seq));
  return () => {
    if (before === undefined) reportedReads.delete(conversationId);
    else reportedReads.set(conversationId, before);
  };
}

/** The list as the server sent it, less what this tab has since reported as read. */
export function withReportedReads(list: ConversationList): ConversationList {
  let cleared = 0;
  const conversations = list.conversations.map((conversation): Conversation => {
    const readUpTo = reportedReads.get(conversation.id) ?? 0;
    if (conversation.unreadCount === 0 || conversation.lastSeq > readUpTo) return conversation;
    cleared += conversation.unreadCount;
    return { ...conversation, unreadCount: 0, lastReadSeq: readUpTo };
  });
  if (cleared === 0) return list;
  return { ...list, conversations, unreadTotal: Math.max(0, list.unreadTotal - cleared) };
}

/** Marks read up to `seq`; badges drop at once rather than after the server answers. */
export function useMarkRead(conversationId: string, clientId: string) {
  const queryClient = useQueryClient();
  const side = useMessagingSide();
  const listKey = messagingKeys.conversations(clientId);
  return useMutation({
    mutationFn: (seq: number) => {
      const read = { params: { conversationId }, body: { seq } };
      return side === "staff"
        ? call("markConversationRead", read)
        : call("markPortalConversationRead", read);
    },
    onMutate: (seq) => {
      const undo = noteReadReport(conversationId, seq);
      queryClient.setQueryData<ConversationList>(listKey, (list) =>
        list ? withReportedReads(list) : list,
      );
      return { undo };
    },
    onError: (_error, _seq, context) => context?.undo(),
    onSettled: () => queryClient.invalidateQueries({ queryKey: listKey }),
  });
}
