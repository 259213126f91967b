import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { postToAuth } from "../api.js";
import { AuthCard, FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { TextField } from "../ui/TextField.js";
import { usePageTitle } from "../ui/usePageTitle.js";

export function ForgotPasswordPage() {
  usePageTitle("Forgot password");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "");
    setError(null);
    try {
      await postToAuth("/api/auth/request-password-reset", {
        email,
        redirectTo: "/portal/reset-password",
      });
      setSentTo(email);
    } catch (caught) {
      setError((caught as Error).message);
    }
  }

  return (
    <AuthCard eyebrow="Client portal" title="Forgot your password?">
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <TextField label="Email" name="email" type="email" autoComplete="username" required />
        {error && <FormNotice tone="error">{error}</FormNotice>}
        {sentTo && (
          <FormNotice tone="success">
            If {sentTo} has portal access, we sent a link to choose a new password. It expires in 1
            hour.
          </FormNotice>
        )}
        <Button type="submit" className="py-2">
          Send reset link
        </Button>
        <Link to="/portal/sign-in" className="text-center text-sm text-blue-800 underline">
          Back to sign-in
        </Link>
      </form>
    </AuthCard>
  );
}
