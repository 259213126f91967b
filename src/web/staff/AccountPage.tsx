import { useQuery } from "@tanstack/react-query";
import { AccountSection } from "../account/AccountSection.js";
import { ChangePasswordForm } from "../account/ChangePasswordForm.js";
import { MessageAlertsSetting } from "../account/MessageAlertsSetting.js";
import { NameForm } from "../account/NameForm.js";
import { OtherSessionsSection } from "../account/OtherSessionsSection.js";
import { RequireTwoFactorSetting } from "../account/RequireTwoFactorSetting.js";
import { accountQuery, TwoFactorSection } from "../account/TwoFactorSection.js";
import { usePageTitle } from "../ui/usePageTitle.js";
import { useStaffSession } from "./session.js";

/** A staff member's own account: name, password, two-factor, other sessions (and, for owners, the firm's requirement). */
export function AccountPage() {
  usePageTitle("Account");
  const account = useQuery(accountQuery);
  const session = useStaffSession();
  return (
    <main className="mx-auto flex w-full max-w-2xl flex-col gap-6 p-4 sm:p-6">
      <div>
        <h1 className="text-2xl font-semibold">Account</h1>
        {account.data && <p className="mt-1 text-sm text-slate-700">{account.data.email}</p>}
      </div>
      {account.data && (
        <AccountSection title="Your name">
          <NameForm name={account.data.name} />
        </AccountSection>
      )}
      <AccountSection
        title="Password"
        description="Changing it signs you out on every other browser and device."
      >
        <ChangePasswordForm />
      </AccountSection>
      <MessageAlertsSetting />
      <TwoFactorSection />
      <OtherSessionsSection />
      {session.data?.can.manageFirmSecurity && <RequireTwoFactorSetting />}
    </main>
  );
}
