import { parseArgs } from "node:util";
import { z } from "zod";
import { firmNameSchema, inviteStaffBodySchema } from "../../shared/api/team.js";
import { loadConfig } from "../config.js";
import { databaseTargetFor, openDatabase } from "../db/connect.js";
import { createFirmWithOwnerInvitation } from "./create-firm.js";

const usage =
  'Usage: npm run firm:create -- --name "Firm name" --owner-name "Owner name" --owner-email owner@example.com';

const argumentsSchema = z.object({
  name: firmNameSchema,
  "owner-name": inviteStaffBodySchema.shape.name,
  "owner-email": inviteStaffBodySchema.shape.email,
});

/** `npm run firm:create`: a new firm and its owner's one-time invitation link, printed. */
async function main() {
  const { values } = parseArgs({
    options: {
      name: { type: "string" },
      "owner-name": { type: "string" },
      "owner-email": { type: "string" },
    },
  });
  const parsed = argumentsSchema.safeParse(values);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `--${issue.path.join(".")}: ${issue.message}`,
    );
    console.error([...problems, usage].join("\n"));
    process.exit(2);
  }
  const config = loadConfig();
  const database = await openDatabase(databaseTargetFor(config));
  try {
    const { invitationUrl } = await createFirmWithOwnerInvitation(database.db, {
      firmName: parsed.data.name,
      ownerName: parsed.data["owner-name"],
      ownerEmail: parsed.data["owner-email"],
      mail: { publicUrl: config.publicUrl, smtpConfigured: config.smtpUrl !== undefined },
    });
    console.log(
      [
        `Firm "${parsed.data.name}" created.`,
        `Its owner's one-time invitation link (valid for 7 days; also in the firm's outbox):`,
        `  ${invitationUrl}`,
      ].join("\n"),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  } finally {
    await database.close();
  }
}

await main();
