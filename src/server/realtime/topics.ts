import type { ControlMessage, ServerEvent } from "../../shared/events.js";
import type { EventBus } from "./event-bus.js";

/** Audiences: every event goes to exactly the topics whose members may see it. */
export const topics = {
  /** All staff of a firm: they see every conversation of the firm, notes included. */
  firmStaff: (firmId: string) => `firm:${firmId}:staff`,
  /** One signed-in person's own sockets (read cursors, session changes). */
  user: (userId: string) => `user:${userId}`,
};

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
