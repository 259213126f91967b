import { useQueryClient } from "@tanstack/react-query";
import QRCode from "qrcode";
import { type FormEvent, useState } from "react";
import { ApiRequestError, postToAuth } from "../api.js";
import { renewingSession } from "../auth.js";
import { FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { TextField } from "../ui/TextField.js";

type Stage =
  | { step: "password" }
  | { step: "scan"; qrCode: string; key: string; backupCodes: string[] }
  | { step: "saveCodes"; backupCodes: string[] };

/** The key inside an `otpauth://` address, in groups of four so it can be typed into an app. */
function keyOf(totpUri: string): string {
  const secret = new URL(totpUri).searchParams.get("secret") ?? "";
  return secret.match(/.{1,4}/g)?.join(" ") ?? secret;
}

/**
 * Setting up two-factor sign-in: the password, then a QR code (and its key as text) for an
 * authenticator app, a code to confirm it, and the backup codes, shown this once.
 */
export function TwoFactorSetup({
  onDone,
  doneLabel = "Done",
}: {
  onDone: () => void;
  doneLabel?: string;
}) {
  const queryClient = useQueryClient();
  const [stage, setStage] = useState<Stage>({ step: "password" });
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function start(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password") ?? "");
    if (!password) return setError("Enter your password.");
    setBusy(true);
    setError(undefined);
    try {
      const { totpURI, backupCodes } = (await postToAuth("/api/auth/two-factor/enable", {
        password,
      })) as { totpURI: string; backupCodes: string[] };
      const qrCode = await QRCode.toDataURL(totpURI, { margin: 1, width: 200 });
      setStage({ step: "scan", qrCode, key: keyOf(totpURI), backupCodes });
    } catch (caught) {
      setError(
        caught instanceof ApiRequestError && caught.code === "invalid_password"
          ? "That is not your password."
          : (caught as Error).message,
      );
    } finally {
      setBusy(false);
    }
  }

  async function confirm(event: FormEvent<HTMLFormElement>, backupCodes: string[]) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code") ?? "").replace(/\s/g, "");
    if (!/^\d{6}$/.test(code)) return setError("Enter the 6-digit code your app shows.");
    setBusy(true);
    setError(undefined);
    try {
      await renewingSession(postToAuth("/api/auth/two-factor/verify-totp", { code }));
      setStage({ step: "saveCodes", backupCodes });
      await queryClient.invalidateQueries();
    } catch (caught) {
      setError(
        caught instanceof ApiRequestError && caught.status === 401
          ? "That code is not right. Check the app's clock and enter the code it shows now."
          : (caught as Error).message,
      );
    } finally {
      setBusy(false);
    }
  }

  if (stage.step === "password") {
    return (
      <form className="flex max-w-sm flex-col gap-4" onSubmit={start} noValidate>
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          hint="Confirm it is you before setting up two-factor."
          error={error}
        />
        <div>
          <Button type="submit" disabled={busy}>
            Continue
          </Button>
        </div>
      </form>
    );
  }

  if (stage.step === "scan") {
    return (
      <div className="flex flex-col gap-4">
        <ol className="list-decimal pl-5 text-sm text-slate-800">
          <li>
            Open an authenticator app on your phone (such as Google Authenticator or 1Password).
          </li>
          <li>Scan this QR code, or type the key below into the app.</li>
          <li>Enter the 6-digit code the app then shows.</li>
        </ol>
        <img
          src={stage.qrCode}
          alt="QR code that adds Portico to an authenticator app"
          width={200}
          height={200}
          className="rounded border border-slate-200"
        />
        <div>
          <p className="text-sm font-medium text-slate-800">Key</p>
          <code data-setup-key className="mt-1 block break-all font-mono text-base">
            {stage.key}
          </code>
        </div>
        <form
          className="flex max-w-sm flex-col gap-4"
          onSubmit={(event) => void confirm(event, stage.backupCodes)}
          noValidate
        >
          <TextField
            label="Authentication code"
            name="code"
            autoComplete="one-time-code"
            inputMode="numeric"
            error={error}
          />
          <div>
            <Button type="submit" disabled={busy}>
              Turn on two-factor
            </Button>
          </div>
        </form>
      </div>
    );
  }

  return (
    <div className="flex flex-col gap-4">
      <FormNotice tone="success">Two-factor sign-in is on.</FormNotice>
      <div>
        <h3 className="font-semibold">Save your backup codes</h3>
        <p className="mt-1 text-sm text-slate-700">
          If you lose your phone, sign in with one of these instead of a code. Each works once. Keep
          them somewhere safe: they are shown only now.
        </p>
      </div>
      <ul aria-label="Backup codes" className="grid grid-cols-2 gap-2 font-mono text-sm">
        {stage.backupCodes.map((code) => (
          <li key={code} className="rounded bg-slate-100 px-2 py-1">
            {code}
          </li>
        ))}
      </ul>
      <div>
        <Button onClick={onDone}>{doneLabel}</Button>
      </div>
    </div>
  );
}
