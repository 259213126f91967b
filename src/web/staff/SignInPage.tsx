import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { TwoFactorCodeForm } from "../account/TwoFactorCodeForm.js";
import { safeNextPath, signInFieldProblems, signInWithPassword } from "../auth.js";
import { AuthCard, FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { TextField } from "../ui/TextField.js";
import { usePageTitle } from "../ui/usePageTitle.js";

export function SignInPage() {
  const [codeNeeded, setCodeNeeded] = useState(false);
  usePageTitle(codeNeeded ? "Two-factor authentication" : "Sign in");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});
  const [busy, setBusy] = useState(false);
  // The server sends a member whose firm requires two-factor, not yet set up, to its set-up page.
  const goOn = () => window.location.assign(safeNextPath("/clients"));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    const problems = signInFieldProblems(email, password);
    setFieldErrors(problems);
    setError(null);
    if (problems.email || problems.password) return;
    setBusy(true);
    const outcome = await signInWithPassword(email, password);
    if ("error" in outcome) {
      setError(outcome.error);
      setBusy(false);
    } else if ("codeNeeded" in outcome) {
      setCodeNeeded(true);
      setBusy(false);
    } else {
      goOn();
    }
  }

  if (codeNeeded) {
    return (
      <AuthCard
        eyebrow="Portico"
        title="Two-factor authentication"
        intro="Your password is right. Now enter the code from your authenticator app."
      >
        <TwoFactorCodeForm
          onSignedIn={goOn}
          onRestart={(message) => {
            setCodeNeeded(false);
            setError(message);
          }}
        />
      </AuthCard>
    );
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
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          error={fieldErrors.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={fieldErrors.password}
        />
        {error && <FormNotice tone="error">{error}</FormNotice>}
        <Button type="submit" disabled={busy} className="py-2">
          {busy ? "Signing in…" : "Sign in"}
        </Button>
        <Link to="/forgot-password" className="text-center text-sm text-blue-800 underline">
          Forgot password?
        </Link>
      </form>
    </AuthCard>
  );
}
