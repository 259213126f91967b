import { type FormEvent, useState } from "react";
import { ApiRequestError, postToAuth } from "../api.js";
import { Button } from "../ui/Button.js";
import { TextField } from "../ui/TextField.js";

/** Refusals after which the pending sign-in is gone: the password must be entered again. */
const challengeEnded = new Set(["too_many_attempts_request_new_code", "invalid_two_factor_cookie"]);

/**
 * The second step of a staff sign-in: the code from the authenticator app, or a backup code.
 * `onRestart` goes back to the password when the pending sign-in has ended.
 */
export function TwoFactorCodeForm({
  onSignedIn,
  onRestart,
}: {
  onSignedIn: () => void;
  onRestart: (message: string) => void;
}) {
  const [useBackupCode, setUseBackupCode] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code") ?? "").replace(/\s/g, "");
    if (!code) {
      setError(useBackupCode ? "Enter one of your backup codes." : "Enter the 6-digit code.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await postToAuth(
        useBackupCode
          ? "/api/auth/two-factor/verify-backup-code"
          : "/api/auth/two-factor/verify-totp",
        { code },
      );
      onSignedIn();
    } catch (caught) {
      setBusy(false);
      if (caught instanceof ApiRequestError && challengeEnded.has(caught.code)) {
        onRestart("Too many wrong codes, or the sign-in took too long. Sign in again.");
      } else if (caught instanceof ApiRequestError && caught.code === "code_already_used") {
        setError(caught.message);
      } else if (caught instanceof ApiRequestError && caught.status === 401) {
        setError(
          useBackupCode
            ? "That backup code is not right, or it was already used."
            : "That code is not right. Enter the code your app shows now.",
        );
      } else {
        setError((caught as Error).message);
      }
    }
  }

  return (
    <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
      <TextField
        key={useBackupCode ? "backup" : "app"}
        label={useBackupCode ? "Backup code" : "Authentication code"}
        name="code"
        autoComplete="one-time-code"
        inputMode={useBackupCode ? "text" : "numeric"}
        hint={
          useBackupCode
            ? "One of the codes you saved when you set up two-factor. Each works once."
            : "The 6-digit code your authenticator app shows for Portico."
        }
        error={error}
        autoFocus
      />
      <Button type="submit" disabled={busy} className="py-2">
        {busy ? "Checking…" : "Verify"}
      </Button>
      <Button
        variant="ghost"
        onClick={() => {
          setUseBackupCode(!useBackupCode);
          setError(undefined);
        }}
      >
        {useBackupCode ? "Use your authenticator app instead" : "Use a backup code instead"}
      </Button>
    </form>
  );
}
