import { signOutTo } from "../auth.js";
import { AuthCard } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { usePageTitle } from "../ui/usePageTitle.js";
import { TwoFactorSetup } from "./TwoFactorSetup.js";

/** Where a staff member is kept, after the password, while their firm requires two-factor they lack. */
export function TwoFactorSetupPage() {
  usePageTitle("Set up two-factor authentication");
  return (
    <AuthCard
      eyebrow="Portico"
      title="Set up two-factor authentication"
      intro="Your firm requires two-factor sign-in. Set it up to continue."
    >
      <div className="flex flex-col gap-6">
        <TwoFactorSetup onDone={() => window.location.assign("/clients")} doneLabel="Continue" />
        <Button variant="ghost" onClick={() => void signOutTo("/sign-in")}>
          Sign out
        </Button>
      </div>
    </AuthCard>
  );
}
