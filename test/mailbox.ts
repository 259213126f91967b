import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

type Delivered = { to: string[]; text: string; raw: string };

/** Undoes quoted-printable encoding, so a link split over lines reads as one again. */
const decodeQuotedPrintable = (raw: string) =>
  raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_match, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );

/**
 * A real SMTP server on 127.0.0.1 that keeps what it receives: the mailboxes of the people in a
 * test. Only what was delivered here counts as reaching a person.
 */
export async function startMailbox() {
  const delivered: Delivered[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        delivered.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          text: decodeQuotedPrintable(raw),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    /** The mails delivered to an address so far, oldest first. */
    mailsTo: (address: string) => delivered.filter((mail) => mail.to.includes(address)),
    /** The same mails as a mail client reads them (parsed by mailparser), with their envelope. */
    parsedMailsTo: (address: string): Promise<(ParsedMail & { envelopeTo: string[] })[]> =>
      Promise.all(
        delivered
          .filter((mail) => mail.to.includes(address))
          .map(async (mail) =>
            Object.assign(await simpleParser(mail.raw), { envelopeTo: mail.to }),
          ),
      ),
    /** Every mail delivered so far, to anyone. */
    count: () => delivered.length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
