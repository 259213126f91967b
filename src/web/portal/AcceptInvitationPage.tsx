import { useMutation, useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { ApiRequestError, call } from "../api.js";
import { AuthCard, FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { usePageTitle } from "../ui/usePageTitle.js";
import { AcceptWithoutSession, AcceptWithSession } from "./InvitationAcceptance.js";

/** The portal session of whoever opens the link, or null: not being signed in is no error here. */
function useSessionIfAny() {
  return useQuery({
    queryKey: ["invitation-session"],
    queryFn: () =>
      call("getPortalSession", {}).catch((error: unknown) => {
        if (error instanceof ApiRequestError && (error.status === 401 || error.status === 403)) {
          return null;
        }
        throw error;
      }),
    retry: false,
  });
}

/**
 * The invitation link: a person new to the portal chooses a password; someone who already signs
 * in accepts while signed in. Both land in the portal, or learn why the link is spent.
 */
export function AcceptInvitationPage() {
  usePageTitle("Your invitation");
  const { token = "" } = useParams();
  const invitation = useQuery({
    queryKey: ["invitation", token],
    queryFn: () => call("getInvitation", { params: { token } }),
    retry: false,
  });
  const session = useSessionIfAny();
  const renew = useMutation({
    mutationFn: () => call("requestInvitationRenewal", { params: { token } }),
  });

  const state = invitation.data;
  const failure = invitation.error;
  if (
    !state &&
    failure instanceof ApiRequestError &&
    failure.status >= 400 &&
    failure.status < 500
  ) {
    // The server refused the link itself, e.g. one cut short when copied from the e-mail.
    return (
      <AuthCard eyebrow="Client portal" title="This link no longer works">
        <div className="flex flex-col gap-4">
          <p className="text-sm text-slate-800">
            This is not a complete invitation link. Open the link from the e-mail again, or copy all
            of it into the address bar.
          </p>
          <SignInLinks />
        </div>
      </AuthCard>
    );
  }
  if (!state) {
    return (
      <AuthCard eyebrow="Client portal" title="Your invitation">
        {failure ? (
          <div className="flex flex-col gap-4">
            <FormNotice tone="error">{failure.message}</FormNotice>
            <Button onClick={() => void invitation.refetch()} disabled={invitation.isFetching}>
              Try again
            </Button>
          </div>
        ) : (
          <p className="text-sm text-slate-700">Checking your invitation…</p>
        )}
      </AuthCard>
    );
  }
  if (state.state !== "valid") {
    const reason = {
      used: "This invitation was already used. Sign in with the password you chose.",
      expired: "This invitation has expired. Invitations work for 7 days.",
      invalid:
        "This invitation link does not work any more. It may have been replaced by a newer one.",
    }[state.state];
    return (
      <AuthCard eyebrow={state.firmName ?? "Client portal"} title="This link no longer works">
        <div className="flex flex-col gap-4">
          <p className="text-sm text-slate-800">{reason}</p>
          {state.state === "expired" &&
            (renew.isSuccess ? (
              <FormNotice tone="success">
                We sent a new invitation to the address it was meant for. Check your inbox.
              </FormNotice>
            ) : (
              <Button onClick={() => renew.mutate()} disabled={renew.isPending}>
                Send me a new invitation
              </Button>
            ))}
          {state.state !== "expired" && (
            <p className="text-sm text-slate-800">
              If you need a new invitation, ask your contact at {state.firmName ?? "the firm"}.
            </p>
          )}
          <SignInLinks token={token} />
        </div>
      </AuthCard>
    );
  }
  if (session.isPending) {
    return (
      <AuthCard eyebrow={state.firmName} title={`Welcome, ${state.contactName}`}>
        <p className="text-sm text-slate-700">Checking your invitation…</p>
      </AuthCard>
    );
  }
  const invited = { token, email: state.email, firmName: state.firmName };
  return (
    <AuthCard
      eyebrow={state.firmName}
      title={`Welcome, ${state.contactName}`}
      intro={
        <>
          {state.firmName} invited you to their client portal, where you can read and send messages,
          as <strong>{state.email}</strong>.
        </>
      }
    >
      {session.data ? (
        <AcceptWithSession invited={invited} session={session.data} />
      ) : (
        <AcceptWithoutSession invited={invited} />
      )}
    </AuthCard>
  );
}

/**
 * The ways forward from a link that does not work: sign in (the sign-in page names the firm from
 * the invitation when there is one), or get a new password.
 */
function SignInLinks({ token }: { token?: string }) {
  const signIn = token
    ? `/portal/sign-in?invitation=${encodeURIComponent(token)}`
    : "/portal/sign-in";
  return (
    <>
      <Link to={signIn} className="text-blue-800 underline">
        Go to sign-in
      </Link>
      <Link to="/portal/forgot-password" className="text-blue-800 underline">
        Forgot your password?
      </Link>
    </>
  );
}
