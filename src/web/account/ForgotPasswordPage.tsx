import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { ApiRequestError, postToAuth } from "../api.js";
import { AuthCard, FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { TextField } from "../ui/TextField.js";
import { usePageTitle } from "../ui/usePageTitle.js";
import { type SignInSide, sideText } from "./side.js";

/** Asks for a reset link; the answer is the same whether or not the address has an account. */
function ForgotPassword({ side }: { side: SignInSide }) {
  usePageTitle("Forgot password");
  const text = sideText[side];
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string>();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email") ?? "");
    setError(null);
    setFieldError(undefined);
    try {
      await postToAuth("/api/auth/request-password-reset", { email });
      setSentTo(email);
    } catch (caught) {
      const field = caught instanceof ApiRequestError ? caught.fields.email : undefined;
      if (field) setFieldError(field);
      else setError((caught as Error).message);
    }
  }

  return (
    <AuthCard eyebrow={text.eyebrow} title="Forgot your password?">
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          error={fieldError}
        />
        {error && <FormNotice tone="error">{error}</FormNotice>}
        {sentTo && (
          <FormNotice tone="success">
            {text.resetSentTo(sentTo)} we sent a link to choose a new password. It expires in 1
            hour.
          </FormNotice>
        )}
        <Button type="submit" className="py-2">
          Send reset link
        </Button>
        <Link to={text.signIn} className="text-center text-sm text-blue-800 underline">
          Back to sign-in
        </Link>
      </form>
    </AuthCard>
  );
}

export const ForgotPasswordPage = () => <ForgotPassword side="portal" />;
export const StaffForgotPasswordPage = () => <ForgotPassword side="staff" />;
