import { useState } from "react";
import { postToAuth } from "../api.js";
import { FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { AccountSection } from "./AccountSection.js";

/** Signs this person out on every other browser and device; this one stays signed in. */
export function OtherSessionsSection() {
  const [state, setState] = useState<"idle" | "busy" | "done" | { error: string }>("idle");

  async function signOutOthers() {
    setState("busy");
    try {
      await postToAuth("/api/auth/revoke-other-sessions", {});
      setState("done");
    } catch (caught) {
      setState({ error: (caught as Error).message });
    }
  }

  return (
    <AccountSection
      title="Sessions"
      description="Signed in on a computer you no longer use, or lost a phone? Sign out everywhere except here."
    >
      <div className="flex flex-col items-start gap-3">
        <Button
          variant="secondary"
          disabled={state === "busy"}
          onClick={() => void signOutOthers()}
        >
          Sign out of other sessions
        </Button>
        {state === "done" && (
          <FormNotice tone="success">You are signed out everywhere except here.</FormNotice>
        )}
        {typeof state === "object" && <FormNotice tone="error">{state.error}</FormNotice>}
      </div>
    </AccountSection>
  );
}
