import type { ControlMessage, ServerEvent } from "../../shared/events.js";
import type { EventBus } from "./event-bus.js";

/** Audiences: every event goes to exactly the topics whose members may see it. */
export const topics = {
  /** All staff of a firm: they see every conversation of the firm, notes included. */
  firmStaff: (firmId: string) => `firm:${firmId}:staff`,
  /** Contacts with portal access to a client: the All Contacts thread's public messages. */
  clientContacts: (clientId: string) => `client:${clientId}:contacts`,
  /** One contact record: that contact's direct thread's public messages. */
  contactDirect: (contactId: string) => `contact:${contactId}:direct`,
  /** One signed-in person's own sockets (read cursors, access changes). */
  user: (userId: string) => `user:${userId}`,
  /** Bus-only (no socket subscribes): whose cached principal every process must drop. */
  principals: "principals",
};

/** The contacts' topic of a conversation: who besides staff may receive its public events. */
export function contactTopicOf(conversation: {
  kind: "all_contacts" | "direct";
  clientId: string;
  contactId: string | null;
}): string {
  return conversation.kind === "direct" && conversation.contactId
    ? topics.contactDirect(conversation.contactId)
    : topics.clientContacts(conversation.clientId);
}

/** Serializes the event once and hands it to the bus for one audience. */
export function publishEvent(bus: EventBus, topic: string, event: ServerEvent): Promise<void> {
  return bus.publish(topic, JSON.stringify(event));
}

export function publishControl(
  bus: EventBus,
  topic: string,
  message: ControlMessage,
): Promise<void> {
  return bus.publish(topic, JSON.stringify(message));
}
