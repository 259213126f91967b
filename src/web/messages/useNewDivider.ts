import { useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import type { ConversationList, Message } from "../../shared/api/messaging.js";
import { messagingKeys, withReportedReads } from "./messageHooks.js";

/**
 * Where the **New** divider goes: before the first message from someone else after the read
 * position the reader had when they opened the conversation. That position is taken once, so
 * the divider stays put (while the thread marks everything read) until the conversation is left.
 */
export function useNewDivider(
  conversationId: string,
  clientId: string,
  messages: Message[],
  isMine: (message: Message) => boolean,
): string | null {
  const queryClient = useQueryClient();
  const [readUpTo] = useState(() => {
    const list = queryClient.getQueryData<ConversationList>(messagingKeys.conversations(clientId));
    // As the list shows it: what this tab already reported read is not new.
    const shown = list ? withReportedReads(list) : undefined;
    const conversation = shown?.conversations.find((candidate) => candidate.id === conversationId);
    return conversation && conversation.unreadCount > 0 ? conversation.lastReadSeq : null;
  });
  return useMemo(() => {
    if (readUpTo === null) return null;
    const first = messages.find((message) => message.seq > readUpTo && !isMine(message));
    return first?.id ?? null;
  }, [messages, readUpTo, isMine]);
}
