import type { EventBus } from "../realtime/event-bus.js";
import { publishEvent } from "../realtime/topics.js";
import { toContactMessage, toStaffMessage } from "./message-shapes.js";
import type { MessageRow } from "./message-sql.js";
import { audiencesOf } from "./visibility.js";

export type ConversationAudience = {
  id: string;
  firmId: string;
  clientId: string;
  kind: "all_contacts" | "direct";
  contactId: string | null;
};

const shapeFor = { staff: toStaffMessage, contact: toContactMessage };

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
  for (const audience of audiencesOf(conversation, row)) {
    await publishEvent(bus, audience.topic, {
      type,
      data: { ...base, message: shapeFor[audience.side](row) },
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
  for (const audience of audiencesOf(conversation, message)) {
    await publishEvent(bus, audience.topic, event);
  }
}
