import { useMutation, useQuery } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { ApiRequestError, call } from "../api.js";
import { passwordRules } from "../portal/NewPasswordFields.js";
import { AuthCard, FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { TextField } from "../ui/TextField.js";
import { usePageTitle } from "../ui/usePageTitle.js";

/**
 * First-run setup: with the one-time link from the server's output, the person names the firm
 * and becomes its owner. Without a working link, the page says where the link is.
 */
export function SetupPage() {
  usePageTitle("Set up Portico");
  const token = new URLSearchParams(window.location.search).get("token") ?? "";
  const state = useQuery({
    queryKey: ["setup", token],
    queryFn: () => call("getSetupState", { query: token ? { token } : {} }),
    retry: false,
  });
  const create = useMutation({
    mutationFn: (body: { firmName: string; name: string; email: string; password: string }) =>
      call("completeSetup", { body: { token, ...body } }),
    onSuccess: () => window.location.assign("/clients"),
  });

  if (state.data?.state === "done") {
    return (
      <AuthCard eyebrow="Portico" title="Portico is set up">
        <div className="flex flex-col gap-4 text-sm text-slate-800">
          <p>This Portico already has its firm, so the setup link no longer works.</p>
          <a href="/sign-in" className="text-blue-800 underline">
            Go to sign-in
          </a>
        </div>
      </AuthCard>
    );
  }
  if (state.data?.state === "invalid_link" || (state.isError && !state.data)) {
    return (
      <AuthCard eyebrow="Portico" title="Open the setup link">
        <div className="flex flex-col gap-3 text-sm text-slate-800">
          <p>
            Setting up Portico needs the one-time link the server printed when it started, in its
            output (the terminal or the server log), under “No firm yet”.
          </p>
          <p>
            Each start prints a new link until the firm exists. Copy all of it, including the part
            after <code>?token=</code>, into the address bar.
          </p>
        </div>
      </AuthCard>
    );
  }
  if (!state.data) {
    return (
      <AuthCard eyebrow="Portico" title="Set up your firm">
        <p className="text-sm text-slate-700">Checking the setup link…</p>
      </AuthCard>
    );
  }

  const fields = create.error instanceof ApiRequestError ? create.error.fields : {};
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "");
    create.mutate({
      firmName: value("firmName"),
      name: value("name"),
      email: value("email"),
      password: value("password"),
    });
  };
  return (
    <AuthCard
      eyebrow="Portico"
      title="Set up your firm"
      intro="Create your firm. You will be its owner and can invite your team next."
    >
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <TextField
          label="Firm name"
          name="firmName"
          autoComplete="organization"
          error={fields.firmName}
          required
        />
        <TextField label="Your name" name="name" autoComplete="name" error={fields.name} required />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          error={fields.email}
          required
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint={passwordRules.join(" ")}
          error={fields.password}
          required
        />
        {create.error && Object.keys(fields).length === 0 && (
          <FormNotice tone="error">{create.error.message}</FormNotice>
        )}
        <Button type="submit" disabled={create.isPending} className="py-2">
          {create.isPending ? "Creating…" : "Create firm"}
        </Button>
      </form>
    </AuthCard>
  );
}
