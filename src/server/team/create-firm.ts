import { eq } from "drizzle-orm";
import type { InvitationMailing } from "../clients/portal-access.service.js";
import type { Database } from "../db/connect.js";
import { firms, user } from "../db/schema.js";
import { writeStaffInvitation } from "./staff-invitations.service.js";

/**
 * Creates a firm with no staff yet and its owner's invitation (the e-mail goes to the outbox);
 * returns the invitation link, which whoever runs the command passes on to the owner.
 */
export async function createFirmWithOwnerInvitation(
  db: Database,
  input: { firmName: string; ownerName: string; ownerEmail: string; mail: InvitationMailing },
): Promise<{ firmId: string; invitationUrl: string }> {
  const email = input.ownerEmail.trim().toLowerCase();
  const [existing] = await db.select({ id: user.id }).from(user).where(eq(user.email, email));
  if (existing) {
    throw new Error(`${email} already has a sign-in; invite the owner with another address.`);
  }
  return db.transaction(async (tx) => {
    const [firm] = await tx.insert(firms).values({ name: input.firmName.trim() }).returning();
    if (!firm) throw new Error("firm insert returned no row");
    const { url } = await writeStaffInvitation(tx, {
      firm,
      inviter: null,
      invitee: { name: input.ownerName.trim(), email, role: "owner" },
      mail: input.mail,
    });
    return { firmId: firm.id, invitationUrl: url };
  });
}
