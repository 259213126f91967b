import type { EventBus } from "../realtime/event-bus.js";
import { contactTopicOf, publishEvent, topics } from "../realtime/topics.js";
import { type MessageRow, toContactMessage, toStaffMessage } from "./messages.queries.js";
import { isVisibleToContacts } from "./visibility.js";

export type ConversationAudience = {
  id: string;
  firmId: string;
  clientId: string;
  kind: "all_contacts" | "direct";
  contactId: string | null;
};

/**
 * Tells every audience about a created or edited message, each in its own numbering: staff get
 * every message, the conversation's contacts only public ones. Called after the commit.
 */
export async function publishMessageSaved(
  bus: EventBus,
  conversation: ConversationAudience,
  type: "message.created" | "message.updated",
  row: MessageRow,
) {
  const base = { clientId: conversation.clientId, conversationId: conversation.id };
  await publishEvent(bus, topics.firmStaff(conversation.firmId), {
    type,
    data: { ...base, message: toStaffMessage(row) },
  });
  if (isVisibleToContacts(row)) {
    await publishEvent(bus, contactTopicOf(conversation), {
      type,
      data: { ...base, message: toContactMessage(row) },
    });
  }
}

/** Tells every audience a message is gone; a deleted note is news to staff only. */
export async function publishMessageDeleted(
  bus: EventBus,
  conversation: ConversationAudience,
  message: { id: string; internal: boolean },
) {
  const event = {
    type: "message.deleted" as const,
    data: {
      clientId: conversation.clientId,
      conversationId: conversation.id,
      messageId: message.id,
    },
  };
  await publishEvent(bus, topics.firmStaff(conversation.firmId), event);
  if (isVisibleToContacts(message)) await publishEvent(bus, contactTopicOf(conversation), event);
}
