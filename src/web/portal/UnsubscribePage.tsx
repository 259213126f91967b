import { useMutation } from "@tanstack/react-query";
import { useEffect } from "react";
import { Link, useParams } from "react-router";
import { ApiRequestError, call } from "../api.js";
import { AuthCard, FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { usePageTitle } from "../ui/usePageTitle.js";

/**
 * Where the link in a new-messages e-mail leads: opening it turns those e-mails off (a script
 * does it, so a mail scanner that only fetches the link changes nothing), and the page offers to
 * turn them back on.
 */
export function UnsubscribePage() {
  usePageTitle("E-mail about new messages");
  const token = useParams().token ?? "";
  const change = useMutation({
    mutationFn: (messageEmails: boolean) =>
      call("updateMailSubscription", { params: { token }, body: { messageEmails } }),
  });
  const { mutate } = change;
  useEffect(() => mutate(false), [mutate]);

  const subscription = change.data;
  if (change.error) {
    const gone = change.error instanceof ApiRequestError && change.error.status === 404;
    return (
      <AuthCard eyebrow="Client portal" title="This link does not work">
        <FormNotice tone="error">
          {gone
            ? "This unsubscribe link does not work any more. Sign in to the portal to change which e-mails you get."
            : change.error.message}
        </FormNotice>
        <div className="mt-4 flex gap-3">
          {!gone && <Button onClick={() => mutate(change.variables ?? false)}>Try again</Button>}
          <Link to="/portal/sign-in" className="text-sm text-blue-800 underline">
            Sign in to the portal
          </Link>
        </div>
      </AuthCard>
    );
  }
  if (!subscription) {
    return (
      <AuthCard eyebrow="Client portal" title="E-mail about new messages">
        <output className="text-sm text-slate-700">Updating your e-mail settings…</output>
      </AuthCard>
    );
  }
  const { firmName, clientName, messageEmails } = subscription;
  return (
    <AuthCard
      eyebrow={firmName}
      title={messageEmails ? "You will get e-mails again" : "You are unsubscribed"}
    >
      <FormNotice tone="success">
        {messageEmails
          ? `You will get an e-mail when ${firmName} writes to you about ${clientName} and you have not read it in the portal.`
          : `You will no longer get e-mails about new messages from ${firmName} (${clientName}). Invitations and password e-mails still reach you.`}
      </FormNotice>
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <Button
          variant={messageEmails ? "secondary" : "primary"}
          disabled={change.isPending}
          onClick={() => mutate(!messageEmails)}
        >
          {messageEmails ? "Unsubscribe again" : "Turn e-mails back on"}
        </Button>
        <Link to="/portal/sign-in" className="text-sm text-blue-800 underline">
          Open the portal
        </Link>
      </div>
    </AuthCard>
  );
}
