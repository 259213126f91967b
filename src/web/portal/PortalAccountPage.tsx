import { AccountSection } from "../account/AccountSection.js";
import { ChangePasswordForm } from "../account/ChangePasswordForm.js";
import { OtherSessionsSection } from "../account/OtherSessionsSection.js";
import { usePageTitle } from "../ui/usePageTitle.js";
import { MessageEmailsSetting } from "./MessageEmailsSetting.js";
import { usePortalSession } from "./portal.queries.js";

/** A contact's own account in the portal: password, e-mails about new messages, other sessions. */
export function PortalAccountPage() {
  usePageTitle("Account");
  const session = usePortalSession();
  return (
    <main className="mx-auto flex w-full max-w-2xl flex-col gap-6 overflow-y-auto p-4 sm:p-6">
      <div>
        <h1 className="text-2xl font-semibold">Account</h1>
        {session.data && <p className="mt-1 text-sm text-slate-700">{session.data.email}</p>}
      </div>
      <AccountSection
        title="Password"
        description="Changing it signs you out on every other browser and device."
      >
        <ChangePasswordForm />
      </AccountSection>
      {session.data && session.data.clients.length > 0 && (
        <AccountSection
          title="E-mail"
          description="We e-mail you when a message waits for you here unread. Invitations and password e-mails always reach you."
        >
          <div className="flex flex-col gap-3">
            {session.data.clients.map((client) => (
              <MessageEmailsSetting key={client.clientId} {...client} />
            ))}
          </div>
        </AccountSection>
      )}
      <OtherSessionsSection />
    </main>
  );
}
