import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { ApiRequestError, postToAuth } from "../api.js";
import { NewPasswordFields, newPasswordProblem } from "../portal/NewPasswordFields.js";
import { AuthCard, FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { usePageTitle } from "../ui/usePageTitle.js";
import { type SignInSide, sideText } from "./side.js";

/** Where a mailed reset link leads: choose a new password with the link's token. */
function ResetPassword({ side }: { side: SignInSide }) {
  usePageTitle("Choose a new password");
  const text = sideText[side];
  const token = new URLSearchParams(window.location.search).get("token");
  const [fieldError, setFieldError] = useState<string>();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    const problem = newPasswordProblem(password, String(form.get("confirmation") ?? ""));
    setFieldError(problem);
    if (problem) return;
    try {
      await postToAuth("/api/auth/reset-password", { newPassword: password, token });
      setDone(true);
    } catch (caught) {
      // The server holds every new password to the same rule; its word goes beside the field.
      const ruleBroken = caught instanceof ApiRequestError ? caught.fields.newPassword : undefined;
      if (ruleBroken) setFieldError(ruleBroken);
      else setError((caught as Error).message);
    }
  }

  if (!token) {
    return (
      <AuthCard eyebrow={text.eyebrow} title="This link is not complete">
        <Link to={text.forgotPassword} className="text-blue-800 underline">
          Ask for a new reset link
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard eyebrow={text.eyebrow} title="Choose a new password">
      {done ? (
        <div className="flex flex-col gap-4">
          <FormNotice tone="success">Your password is changed.</FormNotice>
          <Link to={text.signIn} className="text-blue-800 underline">
            Sign in
          </Link>
        </div>
      ) : (
        <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
          <NewPasswordFields error={fieldError} />
          {error && (
            <FormNotice tone="error">
              {error}{" "}
              <Link to={text.forgotPassword} className="underline">
                Ask for a new link
              </Link>
            </FormNotice>
          )}
          <Button type="submit" className="py-2">
            Save password
          </Button>
        </form>
      )}
    </AuthCard>
  );
}

export const ResetPasswordPage = () => <ResetPassword side="portal" />;
export const StaffResetPasswordPage = () => <ResetPassword side="staff" />;
