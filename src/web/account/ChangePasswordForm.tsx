import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiRequestError, postToAuth } from "../api.js";
import { renewingSession } from "../auth.js";
import { NewPasswordFields, newPasswordProblem } from "../portal/NewPasswordFields.js";
import { FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { TextField } from "../ui/TextField.js";

/** Changes the password; the server then ends every other session of this person. */
export function ChangePasswordForm() {
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<{ current?: string; next?: string }>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const currentPassword = String(form.get("currentPassword") ?? "");
    const newPassword = String(form.get("password") ?? "");
    const problem = newPasswordProblem(newPassword, String(form.get("confirmation") ?? ""));
    setDone(false);
    setFailure(null);
    setErrors({
      current: currentPassword ? undefined : "Enter your current password.",
      next: problem,
    });
    if (!currentPassword || problem) return;
    setBusy(true);
    try {
      await renewingSession(
        postToAuth("/api/auth/change-password", { currentPassword, newPassword }),
      );
      formElement.reset();
      setDone(true);
      void queryClient.invalidateQueries();
    } catch (caught) {
      if (caught instanceof ApiRequestError && caught.code === "invalid_password") {
        setErrors({ current: "That is not your current password." });
      } else if (caught instanceof ApiRequestError && caught.fields.newPassword) {
        setErrors({ next: caught.fields.newPassword });
      } else {
        setFailure((caught as Error).message);
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="flex max-w-sm flex-col gap-4" onSubmit={submit} noValidate>
      <TextField
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        error={errors.current}
      />
      <NewPasswordFields error={errors.next} />
      {failure && <FormNotice tone="error">{failure}</FormNotice>}
      {done && (
        <FormNotice tone="success">
          Your password is changed. Every other session was signed out.
        </FormNotice>
      )}
      <div>
        <Button type="submit" disabled={busy}>
          Change password
        </Button>
      </div>
    </form>
  );
}
