import { type FormEvent, useState } from "react";
import { safeNextPath, signInWithPassword } from "../auth.js";
import { AuthCard, FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { TextField } from "../ui/TextField.js";
import { usePageTitle } from "../ui/usePageTitle.js";

export function SignInPage() {
  usePageTitle("Sign in");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const failure = await signInWithPassword(
      String(form.get("email") ?? ""),
      String(form.get("password") ?? ""),
    );
    if (failure) {
      setError(failure);
      setBusy(false);
    } else {
      window.location.assign(safeNextPath("/clients"));
    }
  }

  return (
    <AuthCard
      eyebrow="Portico"
      title="Sign in"
      intro={
        <>
          For firm staff. Clients sign in at{" "}
          <a href="/portal/sign-in" className="text-blue-800 underline">
            the client portal
          </a>
          .
        </>
      }
    >
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <TextField label="Email" name="email" type="email" autoComplete="username" required />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
        {error && <FormNotice tone="error">{error}</FormNotice>}
        <Button type="submit" disabled={busy} className="py-2">
          {busy ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </AuthCard>
  );
}
