import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useParams } from "react-router";
import { ApiRequestError, call } from "../api.js";
import { NewPasswordFields, newPasswordProblem } from "../portal/NewPasswordFields.js";
import { AuthCard, FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { usePageTitle } from "../ui/usePageTitle.js";

const roleNames = { owner: "an owner", admin: "an admin", member: "a member" } as const;

/** A teammate's invitation link: choose a password, join the firm, land on its client list. */
export function StaffInvitationPage() {
  usePageTitle("Join your team");
  const { token = "" } = useParams();
  const invitation = useQuery({
    queryKey: ["staff-invitation", token],
    queryFn: () => call("getStaffInvitation", { params: { token } }),
    retry: false,
  });
  const [fieldError, setFieldError] = useState<string>();
  const accept = useMutation({
    mutationFn: (password: string) =>
      call("acceptStaffInvitation", { params: { token }, body: { password } }),
    onSuccess: () => window.location.assign("/clients"),
  });

  const state = invitation.data;
  if (!state) {
    const refused = invitation.error instanceof ApiRequestError && invitation.error.status < 500;
    return (
      <AuthCard eyebrow="Portico" title={refused ? "This link no longer works" : "Join your team"}>
        {refused ? (
          <p className="text-sm text-slate-800">
            This is not a complete invitation link. Open the link from the e-mail again.
          </p>
        ) : invitation.error ? (
          <FormNotice tone="error">{invitation.error.message}</FormNotice>
        ) : (
          <p className="text-sm text-slate-700">Checking your invitation…</p>
        )}
      </AuthCard>
    );
  }
  if (state.state !== "valid") {
    const reason = {
      used: "This invitation was already used. Sign in with the password you chose.",
      expired: "This invitation has expired. Invitations work for 7 days: ask for a new one.",
      invalid: "This invitation link does not work. It may have been replaced or withdrawn.",
    }[state.state];
    return (
      <AuthCard eyebrow={state.firmName ?? "Portico"} title="This link no longer works">
        <div className="flex flex-col gap-4 text-sm text-slate-800">
          <p>{reason}</p>
          <a href="/sign-in" className="text-blue-800 underline">
            Go to sign-in
          </a>
        </div>
      </AuthCard>
    );
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    const problem = newPasswordProblem(password, String(form.get("confirmation") ?? ""));
    setFieldError(problem);
    if (!problem) accept.mutate(password);
  }
  const failure = accept.error instanceof ApiRequestError ? accept.error : undefined;
  return (
    <AuthCard
      eyebrow={state.firmName}
      title={`Welcome, ${state.name}`}
      intro={
        <>
          {state.firmName} invited you to join their team on Portico as {roleNames[state.role]}, as{" "}
          <strong>{state.email}</strong>.
        </>
      }
    >
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <NewPasswordFields error={fieldError ?? failure?.fields.password} />
        {accept.error && !failure?.fields.password && (
          <FormNotice tone="error">{accept.error.message}</FormNotice>
        )}
        <Button type="submit" disabled={accept.isPending} className="py-2">
          {accept.isPending ? "Joining…" : "Join the team"}
        </Button>
      </form>
    </AuthCard>
  );
}
