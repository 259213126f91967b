import type { FastifyBaseLogger } from "fastify";
import nodemailer from "nodemailer";
import type { Database } from "../db/connect.js";
import { claimDueMail, markMailFailed, markMailSent } from "./outbox.js";

const POLL_MS = 5_000;
const BATCH = 20;

/**
 * Sends outbox mail over SMTP when `SMTP_URL` is set; without it mail simply stays in the
 * outbox (readable by firm owners and admins). Several processes may run this: a mail is marked sent
 * right after it goes out and each mail is claimed by one process before it is sent, so at worst
 * a crash between sending and marking sends it twice.
 */
export function startMailWorker(input: {
  db: Database;
  smtpUrl: string | undefined;
  from: string;
  log: FastifyBaseLogger;
  pollMs?: number;
}): { stop: () => Promise<void> } {
  const { smtpUrl } = input;
  if (!smtpUrl) return { stop: async () => {} };
  const transport = nodemailer.createTransport(smtpUrl);
  let running: Promise<void> | null = null;

  const sendDue = async () => {
    for (const mail of await claimDueMail(input.db, BATCH)) {
      try {
        await transport.sendMail({
          from: input.from,
          to: mail.toAddress,
          subject: mail.subject,
          text: mail.textBody,
          html: mail.htmlBody,
          headers: mail.headers,
        });
        await markMailSent(input.db, mail.id);
      } catch (error) {
        input.log.warn({ err: error, mailId: mail.id }, "mail not sent; will retry");
        await markMailFailed(input.db, mail.id, mail.attempts, (error as Error).message);
      }
    }
  };
  const timer = setInterval(() => {
    running ??= sendDue()
      .catch((error) => input.log.error({ err: error }, "mail worker failed"))
      .finally(() => {
        running = null;
      });
  }, input.pollMs ?? POLL_MS);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      transport.close();
    },
  };
}
