import { UserPlus } from "lucide-react";
import { useState } from "react";
import type { InvitationDelivery } from "../../shared/api/outbox.js";
import { InvitationDeliveryNotice } from "../staff/InvitationDeliveryNotice.js";
import { useStaffSession } from "../staff/session.js";
import { Button } from "../ui/Button.js";
import { usePageTitle } from "../ui/usePageTitle.js";
import { FirmSettingsForm } from "./FirmSettingsForm.js";
import { InviteTeammateDialog } from "./InviteTeammateDialog.js";
import { PendingInvitationList, TeamMemberList } from "./TeamMemberList.js";
import { useTeamList } from "./team.queries.js";

/** The firm's team (owners and admins): invite, change roles, deactivate; and the firm's name. */
export function TeamPage() {
  usePageTitle("Team");
  const session = useStaffSession();
  const team = useTeamList();
  const [inviting, setInviting] = useState(false);
  const [invited, setInvited] = useState<{ email: string; delivery: InvitationDelivery } | null>(
    null,
  );
  const can = session.data?.can;

  return (
    <main className="mx-auto flex w-full max-w-4xl flex-col gap-6 p-4 sm:p-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">Team</h1>
        {can?.manageTeam && (
          <Button onClick={() => setInviting(true)}>
            <UserPlus aria-hidden size={16} /> Invite teammate
          </Button>
        )}
      </div>
      <output className="block text-sm text-slate-800 empty:hidden">
        {invited && <InvitationDeliveryNotice delivery={invited.delivery} to={invited.email} />}
      </output>
      {team.isError && (
        <p role="alert" className="text-red-800">
          {team.error.message}
        </p>
      )}
      {team.data && (
        <>
          <section aria-labelledby="team-members" className="flex flex-col gap-2">
            <h2 id="team-members" className="text-lg font-semibold">
              Staff
            </h2>
            <TeamMemberList
              members={team.data.members}
              canManageOwners={can?.manageOwners ?? false}
            />
          </section>
          {team.data.invitations.length > 0 && (
            <section aria-labelledby="team-invitations" className="flex flex-col gap-2">
              <h2 id="team-invitations" className="text-lg font-semibold">
                Invited
              </h2>
              <PendingInvitationList invitations={team.data.invitations} />
            </section>
          )}
        </>
      )}
      {can?.manageFirm && session.data && <FirmSettingsForm firmName={session.data.firm.name} />}
      <InviteTeammateDialog open={inviting} onOpenChange={setInviting} onInvited={setInvited} />
    </main>
  );
}
