import { and, eq } from "drizzle-orm";
import type { MessageAlerts } from "../../shared/api/notifications.js";
import type { StaffPrincipal } from "../auth/principal-types.js";
import type { Database } from "../db/connect.js";
import { staff } from "../db/schema.js";

type Alerts = MessageAlerts["alerts"];

const ownRow = (principal: StaffPrincipal) =>
  and(eq(staff.id, principal.staffId), eq(staff.firmId, principal.firmId));

/** The signed-in member's own e-mail alert choice. */
export async function getMessageAlerts(db: Database, principal: StaffPrincipal): Promise<Alerts> {
  const [row] = await db
    .select({ alerts: staff.messageAlerts })
    .from(staff)
    .where(ownRow(principal));
  return row?.alerts ?? "mentions_and_client_messages";
}

export async function setMessageAlerts(
  db: Database,
  principal: StaffPrincipal,
  alerts: Alerts,
): Promise<Alerts> {
  await db.update(staff).set({ messageAlerts: alerts }).where(ownRow(principal));
  return alerts;
}
