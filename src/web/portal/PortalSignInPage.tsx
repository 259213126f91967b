import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { postToAuth } from "../api.js";
import {
  accessEndedBy,
  forgetAccessEnded,
  safeNextPath,
  signInFieldProblems,
  signInWithPassword,
} from "../auth.js";
import { AuthCard, FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { TextField } from "../ui/TextField.js";
import { usePageTitle } from "../ui/usePageTitle.js";
import { useInvitationFirmName } from "./useInvitationFirmName.js";

type Notice = { tone: "error" | "success"; text: string } | null;

/** Contacts sign in with a password, or ask for a one-time link by e-mail. */
export function PortalSignInPage() {
  const firmName = useInvitationFirmName();
  usePageTitle(firmName ? `${firmName} client portal sign-in` : "Client portal sign-in");
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  const [email, setEmail] = useState("");
  const [fieldErrors, setFieldErrors] = useState<{ email?: string; password?: string }>({});
  const [endedBy] = useState(accessEndedBy);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const password = String(new FormData(event.currentTarget).get("password") ?? "");
    const problems = signInFieldProblems(email, password);
    setFieldErrors(problems);
    setNotice(null);
    if (problems.email || problems.password) return;
    setBusy(true);
    const outcome = await signInWithPassword(email, password);
    if ("error" in outcome) {
      setNotice({ tone: "error", text: outcome.error });
      setBusy(false);
    } else {
      forgetAccessEnded();
      window.location.assign(safeNextPath("/portal"));
    }
  }

  async function sendLink() {
    const problem = signInFieldProblems(email, "-").email;
    setFieldErrors(problem ? { email: problem } : {});
    if (problem) return;
    setBusy(true);
    try {
      await postToAuth("/api/auth/sign-in/magic-link", {
        email,
        callbackURL: safeNextPath("/portal"),
      });
      setNotice({
        tone: "success",
        text: `If ${email} has portal access, a sign-in link is on its way. It works once, for 15 minutes.`,
      });
    } catch (caught) {
      setNotice({ tone: "error", text: (caught as Error).message });
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard
      eyebrow={firmName ? `${firmName} · Client portal` : "Client portal"}
      title="Sign in"
      intro={
        firmName
          ? `Sign in to read and send messages with ${firmName}.`
          : "Read and send messages with your advisers."
      }
    >
      {endedBy && (
        <FormNotice tone="error">
          Your access to {endedBy}'s client portal has ended, so you were signed out. If you still
          need it, ask {endedBy} to invite you again.
        </FormNotice>
      )}
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          required
          error={fieldErrors.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          error={fieldErrors.password}
        />
        {notice && <FormNotice tone={notice.tone}>{notice.text}</FormNotice>}
        <Button type="submit" disabled={busy} className="py-2">
          Sign in
        </Button>
        <Button variant="secondary" disabled={busy} onClick={() => void sendLink()}>
          E-mail me a sign-in link
        </Button>
        <Link to="/portal/forgot-password" className="text-center text-sm text-blue-800 underline">
          Forgot your password?
        </Link>
      </form>
    </AuthCard>
  );
}
