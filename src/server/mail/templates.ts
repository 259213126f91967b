import { escapeHtml } from "./escape-html.js";
import type { MailBody } from "./rich-text-mail.js";

/** A rendered e-mail: plain text for every client, HTML for those that show it. */
export type MailContent = {
  subject: string;
  text: string;
  html: string;
  /** Headers beyond the usual, such as `List-Unsubscribe`. */
  headers?: Record<string, string>;
};

function layout(paragraphs: string[], action: { label: string; url: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n");
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#0f172a">
${body}
<p><a href="${escapeHtml(action.url)}" style="background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p>
<p style="color:#475569;font-size:13px">Or open this link: ${escapeHtml(action.url)}</p>
</body></html>`;
}

export function invitationMail(input: {
  contactName: string;
  firmName: string;
  inviterName: string;
  url: string;
}): MailContent {
  const lines = [
    `Hello ${input.contactName},`,
    `${input.inviterName} of ${input.firmName} has invited you to their client portal, where you can read and send messages securely.`,
    "Choose a password to get started. The link works once and expires in 7 days.",
  ];
  return {
    subject: `${input.firmName} invited you to their client portal`,
    text: `${lines.join("\n\n")}\n\nAccept the invitation: ${input.url}\n`,
    html: layout(lines, { label: "Accept invitation", url: input.url }),
  };
}

export function signInLinkMail(input: { url: string }): MailContent {
  const lines = [
    "Here is your link to sign in to the client portal.",
    "It works once and expires in 15 minutes. If you did not ask for it, ignore this e-mail.",
  ];
  return {
    subject: "Your sign-in link",
    text: `${lines.join("\n\n")}\n\nSign in: ${input.url}\n`,
    html: layout(lines, { label: "Sign in", url: input.url }),
  };
}

export function passwordResetMail(input: {
  url: string;
  /** Whose sign-in it is: a contact's portal account or a staff member's Portico account. */
  account?: "portal" | "staff";
}): MailContent {
  const lines = [
    `Someone asked to reset the password of your ${input.account === "staff" ? "Portico" : "client portal"} account.`,
    "If it was you, choose a new password with the link below; it expires in 1 hour. Otherwise ignore this e-mail.",
  ];
  return {
    subject: "Reset your password",
    text: `${lines.join("\n\n")}\n\nReset your password: ${input.url}\n`,
    html: layout(lines, { label: "Choose a new password", url: input.url }),
  };
}

/** One conversation in a new-messages e-mail: how many are new, the newest few, and its link. */
export type DigestConversation = {
  title: string;
  url: string;
  count: number;
  /** The newest messages, oldest first, each already shortened. */
  previews: { authorName: string; body: MailBody; files?: string[] }[];
};

const filesLine = (files: string[] | undefined) =>
  files && files.length > 0 ? `Attached: ${files.join(", ")}` : "";

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** Tells a contact about messages they have not read in the portal, one section per thread. */
export function newMessagesMail(input: {
  contactName: string;
  firmName: string;
  clientName: string;
  conversations: DigestConversation[];
  unsubscribe: { pageUrl: string; headers: Record<string, string> };
}): MailContent {
  const total = input.conversations.reduce((sum, conversation) => sum + conversation.count, 0);
  const greeting = `Hello ${input.contactName},`;
  const intro = `You have ${plural(total, "new message")} in your client portal with ${input.firmName} (${input.clientName}) that you have not read yet.`;
  const footer = "You get this e-mail because these messages were not read in the portal.";
  const unsubscribeLine = `Stop e-mails about new messages from ${input.firmName}:`;
  const hidden = (conversation: DigestConversation) =>
    conversation.count - conversation.previews.length;
  const heading = (conversation: DigestConversation) =>
    `${conversation.title}: ${plural(conversation.count, "new message")}`;

  const textSections = input.conversations.map((conversation) =>
    [
      heading(conversation),
      ...(hidden(conversation) > 0
        ? [`(${plural(hidden(conversation), "earlier message")} not shown)`]
        : []),
      ...conversation.previews.map(
        (preview) =>
          `- ${preview.authorName}: ${indent(
            [preview.body.text, filesLine(preview.files)].filter(Boolean).join("\n"),
            "  ",
          )}`,
      ),
      `Read and reply: ${conversation.url}`,
    ].join("\n"),
  );
  const htmlSections = input.conversations.map(
    (conversation) => `<h3 style="margin:24px 0 8px">${escapeHtml(heading(conversation))}</h3>
${hidden(conversation) > 0 ? `<p style="color:#475569;font-size:13px">${escapeHtml(`${plural(hidden(conversation), "earlier message")} not shown`)}</p>\n` : ""}${conversation.previews.map((preview) => `<div style="margin:0 0 12px"><strong>${escapeHtml(preview.authorName)}</strong><div style="padding-left:12px;border-left:3px solid #e2e8f0">${preview.body.html}${preview.files?.length ? `<p style="color:#475569;font-size:13px">${escapeHtml(filesLine(preview.files))}</p>` : ""}</div></div>`).join("\n")}
<p><a href="${escapeHtml(conversation.url)}" style="background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">Read and reply</a></p>
<p style="color:#475569;font-size:13px">Or open this link: ${escapeHtml(conversation.url)}</p>`,
  );
  return {
    subject: `${plural(total, "new message")} in your portal with ${input.firmName}`,
    text: `${[greeting, intro, ...textSections, footer, `${unsubscribeLine} ${input.unsubscribe.pageUrl}`].join("\n\n")}\n`,
    html: `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#0f172a">
<p>${escapeHtml(greeting)}</p>
<p>${escapeHtml(intro)}</p>
${htmlSections.join("\n")}
<p style="color:#475569;font-size:13px">${escapeHtml(footer)} <a href="${escapeHtml(input.unsubscribe.pageUrl)}">${escapeHtml(unsubscribeLine.replace(/:$/, ""))}</a></p>
</body></html>`,
    headers: input.unsubscribe.headers,
  };
}

const roleNames = { owner: "an owner", admin: "an admin", member: "a member" } as const;

/** Invites someone to join a firm's team on Portico. */
export function staffInvitationMail(input: {
  name: string;
  firmName: string;
  inviterName: string | null;
  role: keyof typeof roleNames;
  url: string;
}): MailContent {
  const who = input.inviterName ? `${input.inviterName} invited you` : "You are invited";
  const lines = [
    `Hello ${input.name},`,
    `${who} to join ${input.firmName} on Portico as ${roleNames[input.role]} of the team, to talk with the firm's clients.`,
    "Choose a password to get started. The link works once and expires in 7 days.",
  ];
  return {
    subject: `Join ${input.firmName} on Portico`,
    text: `${lines.join("\n\n")}\n\nAccept the invitation: ${input.url}\n`,
    html: layout(lines, { label: "Accept invitation", url: input.url }),
  };
}

/** Every line after the first starts with `prefix`, so a preview of several lines stays under its author. */
const indent = (text: string, prefix: string) => text.split("\n").join(`\n${prefix}`);
