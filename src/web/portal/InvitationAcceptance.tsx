import { useMutation } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import type { ContactSession } from "../../shared/api/session.js";
import { ApiRequestError, call, postToAuth } from "../api.js";
import { signOutTo } from "../auth.js";
import { FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { NewPasswordFields, newPasswordProblem } from "./NewPasswordFields.js";

type Invited = { token: string; email: string; firmName: string };

const invitationPath = (token: string) => `/portal/invitation/${encodeURIComponent(token)}`;

/** Asks for a one-time sign-in link that brings the person back to this invitation. */
function useSignInLink(invited: Invited) {
  return useMutation({
    mutationFn: () =>
      postToAuth("/api/auth/sign-in/magic-link", {
        email: invited.email,
        callbackURL: invitationPath(invited.token),
      }),
  });
}

function SignInLinkButton({ invited, label }: { invited: Invited; label: string }) {
  const link = useSignInLink(invited);
  if (link.isSuccess) {
    return (
      <FormNotice tone="success">
        We e-mailed a sign-in link to {invited.email}. It works once, for 15 minutes, and brings you
        back here.
      </FormNotice>
    );
  }
  return (
    <>
      {link.error && <FormNotice tone="error">{link.error.message}</FormNotice>}
      <Button variant="secondary" disabled={link.isPending} onClick={() => link.mutate()}>
        {label}
      </Button>
    </>
  );
}

/**
 * Not signed in: the page cannot know (and the server does not say) whether the address already
 * has a sign-in, so it offers both ways: choose a password, or sign in to accept.
 */
export function AcceptWithoutSession({ invited }: { invited: Invited }) {
  const [fieldError, setFieldError] = useState<string>();
  const accept = useMutation({
    mutationFn: (password: string) =>
      call("acceptInvitation", { params: { token: invited.token }, body: { password } }),
    onSuccess: () => window.location.assign("/portal"),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    const problem = newPasswordProblem(password, String(form.get("confirmation") ?? ""));
    setFieldError(problem);
    if (!problem) accept.mutate(password);
  }

  const failure = accept.error instanceof ApiRequestError ? accept.error : undefined;
  const serverFieldError = failure?.fields.password;
  const needsSignIn = failure?.code === "sign_in_to_accept";
  const signInPath = `/portal/sign-in?next=${encodeURIComponent(invitationPath(invited.token))}`;
  return (
    <div className="flex flex-col gap-6">
      <section aria-labelledby="new-here" className="flex flex-col gap-4">
        <h2 id="new-here" className="text-base font-semibold">
          New to the portal?
        </h2>
        <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
          <NewPasswordFields error={fieldError ?? serverFieldError} />
          {needsSignIn ? (
            <FormNotice tone="error">
              {invited.email} already has a sign-in. Sign in with it below to accept; your password
              stays as it is.
            </FormNotice>
          ) : (
            accept.error &&
            !serverFieldError && <FormNotice tone="error">{accept.error.message}</FormNotice>
          )}
          <Button type="submit" disabled={accept.isPending} className="py-2">
            Set password and continue
          </Button>
        </form>
      </section>
      <section aria-labelledby="have-sign-in" className="flex flex-col gap-3">
        <h2 id="have-sign-in" className="text-base font-semibold">
          Already use the portal?
        </h2>
        <p className="text-sm text-slate-800">
          Sign in with {invited.email} to add {invited.firmName} to the clients you see. Your
          password does not change.
        </p>
        <Link
          to={signInPath}
          className="rounded-md bg-blue-700 px-3 py-2 text-center text-sm font-medium text-white hover:bg-blue-800"
        >
          Sign in to accept
        </Link>
        <SignInLinkButton invited={invited} label="E-mail me a sign-in link instead" />
      </section>
    </div>
  );
}

/** Signed in: the invitation is accepted with this sign-in if it is for this address. */
export function AcceptWithSession({
  invited,
  session,
}: {
  invited: Invited;
  session: ContactSession;
}) {
  const accept = useMutation({
    mutationFn: () => call("acceptInvitationSignedIn", { params: { token: invited.token } }),
    onSuccess: ({ clientId }) => window.location.assign(`/portal/clients/${clientId}`),
  });

  if (session.email.toLowerCase() !== invited.email.toLowerCase()) {
    return (
      <div className="flex flex-col gap-4">
        <p className="text-sm text-slate-800">
          You are signed in as <strong>{session.email}</strong>, but this invitation is for{" "}
          <strong>{invited.email}</strong>. Sign out, then sign in with that address to accept it.
        </p>
        <Button onClick={() => void signOutTo(invitationPath(invited.token))}>Sign out</Button>
      </div>
    );
  }
  const failure = accept.error instanceof ApiRequestError ? accept.error : undefined;
  if (failure?.code === "address_proof_required") {
    return (
      <div className="flex flex-col gap-4">
        <p className="text-sm text-slate-800">
          Before you can add {invited.firmName}, confirm that {invited.email} is yours: open the
          sign-in link we e-mail to it. This signs you out everywhere else and clears your current
          password, because it may have been set by someone else; choose a new one afterwards with
          “Forgot your password?”.
        </p>
        <SignInLinkButton invited={invited} label="E-mail me a sign-in link" />
      </div>
    );
  }
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm text-slate-800">
        You are signed in as <strong>{session.email}</strong>. Accept to see this client in your
        portal; your password does not change.
      </p>
      {accept.error && <FormNotice tone="error">{accept.error.message}</FormNotice>}
      <Button disabled={accept.isPending} className="py-2" onClick={() => accept.mutate()}>
        Accept invitation
      </Button>
    </div>
  );
}
