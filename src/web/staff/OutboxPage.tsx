import { useQuery } from "@tanstack/react-query";
import type { OutboxMail } from "../../shared/api/outbox.js";
import { call } from "../api.js";
import { formatFullDate } from "../messages/format.js";
import { usePageTitle } from "../ui/usePageTitle.js";

const kindLabel: Record<OutboxMail["kind"], string> = {
  invitation: "Invitation",
  sign_in_link: "Sign-in link",
  password_reset: "Password reset",
  new_messages: "New messages",
  staff_alert: "Staff alert",
};

/** Where a firm owner reads outgoing e-mail, so invitations work even without an SMTP server. */
export function OutboxPage() {
  usePageTitle("Outbox");
  const outbox = useQuery({
    queryKey: ["outbox"],
    queryFn: () => call("listOutbox"),
  });

  return (
    <main className="mx-auto w-full max-w-4xl p-6">
      <h1 className="text-2xl font-semibold">Outbox</h1>
      <p className="mt-1 text-sm text-slate-700">
        Every e-mail Portico sends for your firm, newest first. Without an SMTP server configured,
        e-mails stay here: you can open their links yourself or pass them on.
      </p>
      {outbox.isError && (
        <p role="alert" className="mt-4 text-red-800">
          {outbox.error.message}
        </p>
      )}
      {outbox.data?.mails.length === 0 && <p className="mt-6 text-slate-700">No e-mail yet.</p>}
      <ul className="mt-6 flex flex-col gap-4">
        {outbox.data?.mails.map((mail) => (
          <li key={mail.id}>
            <article
              aria-labelledby={`mail-${mail.id}`}
              className="rounded-lg border border-slate-200 bg-white p-4"
            >
              <header className="flex flex-wrap items-baseline justify-between gap-2">
                <h2 id={`mail-${mail.id}`} className="font-semibold">
                  {mail.subject}
                </h2>
                <span className="text-sm text-slate-700">
                  {kindLabel[mail.kind]} · {mail.sentAt ? "sent" : "not sent"} ·{" "}
                  <time dateTime={mail.createdAt}>{formatFullDate(mail.createdAt)}</time>
                </span>
              </header>
              <p className="text-sm text-slate-700">To: {mail.to}</p>
              <pre className="mt-3 font-sans text-sm whitespace-pre-wrap">
                <MailText text={mail.text} />
              </pre>
            </article>
          </li>
        ))}
      </ul>
    </main>
  );
}

/** Plain text with its links made clickable; nothing in it is ever treated as HTML. */
function MailText({ text }: { text: string }) {
  return text.split(/(https?:\/\/\S+)/).map((part, index) =>
    /^https?:\/\//.test(part) ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: parts of one fixed string keep their order
      <a key={index} href={part} className="break-all text-blue-800 underline">
        {part}
      </a>
    ) : (
      part
    ),
  );
}
