/** A rendered e-mail: plain text for every client, HTML for those that show it. */
export type MailContent = { subject: string; text: string; html: string };

const escapeHtml = (value: string) =>
  value.replace(
    /[&<>"']/g,
    (char) =>
      ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char,
  );

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

export function passwordResetMail(input: { url: string }): MailContent {
  const lines = [
    "Someone asked to reset the password of your client portal account.",
    "If it was you, choose a new password with the link below; it expires in 1 hour. Otherwise ignore this e-mail.",
  ];
  return {
    subject: "Reset your password",
    text: `${lines.join("\n\n")}\n\nReset your password: ${input.url}\n`,
    html: layout(lines, { label: "Choose a new password", url: input.url }),
  };
}
