import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiRequestError, call, postToAuth } from "../api.js";
import { renewingSession } from "../auth.js";
import { FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { TextField } from "../ui/TextField.js";
import { AccountSection } from "./AccountSection.js";
import { TwoFactorSetup } from "./TwoFactorSetup.js";

export const accountQuery = { queryKey: ["account"], queryFn: () => call("getAccount") };

/** Turning two-factor off: the password and a current code, so a borrowed session cannot. */
function TurnOffForm({ onDone }: { onDone: () => void }) {
  const [errors, setErrors] = useState<{ password?: string; code?: string; other?: string }>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    const code = String(form.get("code") ?? "").replace(/\s/g, "");
    setBusy(true);
    setErrors({});
    try {
      await renewingSession(postToAuth("/api/auth/two-factor/disable", { password, code }));
      onDone();
    } catch (caught) {
      if (caught instanceof ApiRequestError && caught.code === "invalid_password") {
        setErrors({ password: "That is not your password." });
      } else if (caught instanceof ApiRequestError && caught.fields.code) {
        setErrors({ code: caught.fields.code });
      } else {
        setErrors({ other: (caught as Error).message });
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="flex max-w-sm flex-col gap-4" onSubmit={submit} noValidate>
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        error={errors.password}
      />
      <TextField
        label="Authentication code"
        name="code"
        autoComplete="one-time-code"
        inputMode="numeric"
        error={errors.code}
      />
      {errors.other && <FormNotice tone="error">{errors.other}</FormNotice>}
      <div>
        <Button type="submit" variant="danger" disabled={busy}>
          Turn off two-factor
        </Button>
      </div>
    </form>
  );
}

/** Two-factor sign-in on the staff Account page: set it up, or turn it off. */
export function TwoFactorSection() {
  const queryClient = useQueryClient();
  const account = useQuery(accountQuery);
  const [mode, setMode] = useState<"idle" | "setup" | "turnOff">("idle");
  const refresh = () => {
    setMode("idle");
    void queryClient.invalidateQueries();
  };
  const enabled = account.data?.twoFactorEnabled ?? false;

  return (
    <AccountSection
      title="Two-factor authentication"
      description="Sign-in asks for a code from an app on your phone after your password, so a stolen password alone is not enough."
    >
      {account.data && mode === "idle" && (
        <div className="flex flex-col items-start gap-3">
          <p className="text-sm font-medium">
            {enabled ? "Two-factor sign-in is on." : "Two-factor sign-in is off."}
          </p>
          {enabled ? (
            <Button variant="secondary" onClick={() => setMode("turnOff")}>
              Turn off two-factor
            </Button>
          ) : (
            <Button onClick={() => setMode("setup")}>Set up two-factor authentication</Button>
          )}
        </div>
      )}
      {mode === "setup" && <TwoFactorSetup onDone={refresh} />}
      {mode === "turnOff" && <TurnOffForm onDone={refresh} />}
    </AccountSection>
  );
}
