import { useState } from "react";
import type { StaffRole } from "../../shared/api/session.js";
import type { PendingStaffInvitation, StaffMember } from "../../shared/api/team.js";
import { call } from "../api.js";
import { InvitationDeliveryNotice } from "../staff/InvitationDeliveryNotice.js";
import { FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { ConfirmDialog } from "../ui/ConfirmDialog.js";
import { Dialog } from "../ui/Dialog.js";
import { useTeamAction } from "./team.queries.js";

export const roleLabel: Record<StaffRole, string> = {
  owner: "Owner",
  admin: "Admin",
  member: "Member",
};

const badge = "rounded-full px-2 py-0.5 text-xs font-medium";

/** One teammate: who they are, their role and status, and what the viewer may do to them. */
function MemberRow({ member, canManageOwners }: { member: StaffMember; canManageOwners: boolean }) {
  const [changingRole, setChangingRole] = useState(false);
  const [confirmingDeactivate, setConfirmingDeactivate] = useState(false);
  const deactivate = useTeamAction(() =>
    call("deactivateStaff", { params: { staffId: member.id } }),
  );
  const reactivate = useTeamAction(() =>
    call("reactivateStaff", { params: { staffId: member.id } }),
  );
  const mayTouch = canManageOwners || member.role !== "owner";
  const active = member.status === "active";
  const failure = deactivate.error ?? reactivate.error;
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-2 border-t border-slate-200 px-4 py-3 first:border-t-0">
      <div className="min-w-0 flex-1 basis-52">
        <p className="font-medium">
          {member.name}
          {member.isYou && <span className="font-normal text-slate-600"> (you)</span>}
        </p>
        <p className="text-sm break-all text-slate-700">{member.email}</p>
      </div>
      <ul className="flex flex-wrap gap-2" aria-label={`About ${member.name}`}>
        <li className={`${badge} bg-blue-50 text-blue-900`}>{roleLabel[member.role]}</li>
        <li
          className={`${badge} ${active ? "bg-green-50 text-green-900" : "bg-slate-200 text-slate-800"}`}
        >
          {active ? "Active" : "Deactivated"}
        </li>
        <li className={`${badge} bg-slate-100 text-slate-800`}>
          Two-factor {member.twoFactorEnabled ? "on" : "off"}
        </li>
      </ul>
      {mayTouch && (
        <div className="flex flex-wrap gap-2">
          <Button
            variant="secondary"
            onClick={() => setChangingRole(true)}
            aria-label={`Change role of ${member.name}`}
          >
            Change role
          </Button>
          {active && !member.isYou && (
            <Button
              variant="secondary"
              onClick={() => setConfirmingDeactivate(true)}
              aria-label={`Deactivate ${member.name}`}
            >
              Deactivate
            </Button>
          )}
          {!active && (
            <Button
              variant="secondary"
              disabled={reactivate.isPending}
              onClick={() => reactivate.mutate(undefined)}
              aria-label={`Reactivate ${member.name}`}
            >
              Reactivate
            </Button>
          )}
        </div>
      )}
      {failure && (
        <div className="basis-full">
          <FormNotice tone="error">{failure.message}</FormNotice>
        </div>
      )}
      <ChangeRoleDialog
        member={member}
        canManageOwners={canManageOwners}
        open={changingRole}
        onOpenChange={setChangingRole}
      />
      <ConfirmDialog
        open={confirmingDeactivate}
        onOpenChange={setConfirmingDeactivate}
        title={`Deactivate ${member.name}?`}
        description="They are signed out everywhere at once and cannot sign in until reactivated. Their messages stay, with their name."
        confirmLabel="Deactivate"
        busy={deactivate.isPending}
        onConfirm={() =>
          deactivate.mutate(undefined, { onSettled: () => setConfirmingDeactivate(false) })
        }
      />
    </li>
  );
}

function ChangeRoleDialog({
  member,
  canManageOwners,
  open,
  onOpenChange,
}: {
  member: StaffMember;
  canManageOwners: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const change = useTeamAction((role: StaffRole) =>
    call("changeStaffRole", { params: { staffId: member.id }, body: { role } }),
  );
  const roles: StaffRole[] = canManageOwners ? ["owner", "admin", "member"] : ["admin", "member"];
  const selectId = `role-${member.id}`;
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) change.reset();
        onOpenChange(next);
      }}
      title={`Change role of ${member.name}`}
      description="Owners and admins manage the team and read the outbox; only owners make or unmake owners."
    >
      <form
        className="flex flex-col gap-4"
        onSubmit={(event) => {
          event.preventDefault();
          const role = new FormData(event.currentTarget).get("role") as StaffRole;
          change.mutate(role, { onSuccess: () => onOpenChange(false) });
        }}
      >
        <div className="flex flex-col gap-1">
          <label htmlFor={selectId} className="text-sm font-medium text-slate-800">
            Role
          </label>
          <select
            id={selectId}
            name="role"
            defaultValue={member.role}
            className="rounded-md border border-slate-400 px-3 py-2 text-sm"
          >
            {roles.map((role) => (
              <option key={role} value={role}>
                {roleLabel[role]}
              </option>
            ))}
          </select>
        </div>
        {change.error && <FormNotice tone="error">{change.error.message}</FormNotice>}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" disabled={change.isPending}>
            Save role
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

export function TeamMemberList({
  members,
  canManageOwners,
}: {
  members: StaffMember[];
  canManageOwners: boolean;
}) {
  return (
    <ul aria-label="Team members" className="rounded-lg border border-slate-200 bg-white">
      {members.map((member) => (
        <MemberRow key={member.id} member={member} canManageOwners={canManageOwners} />
      ))}
    </ul>
  );
}

function InvitationRow({ invitation }: { invitation: PendingStaffInvitation }) {
  const resend = useTeamAction(() =>
    call("resendStaffInvitation", { params: { invitationId: invitation.id } }),
  );
  const revoke = useTeamAction(() =>
    call("revokeStaffInvitation", { params: { invitationId: invitation.id } }),
  );
  const failure = resend.error ?? revoke.error;
  return (
    <li className="flex flex-wrap items-center gap-x-4 gap-y-2 border-t border-slate-200 px-4 py-3 first:border-t-0">
      <div className="min-w-0 flex-1 basis-52">
        <p className="font-medium">{invitation.name}</p>
        <p className="text-sm break-all text-slate-700">{invitation.email}</p>
      </div>
      <ul className="flex flex-wrap gap-2" aria-label={`About ${invitation.name}`}>
        <li className={`${badge} bg-blue-50 text-blue-900`}>{roleLabel[invitation.role]}</li>
        <li className={`${badge} bg-amber-50 text-amber-900`}>
          {invitation.expired ? "Invitation expired" : "Invited"}
        </li>
      </ul>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          disabled={resend.isPending}
          onClick={() => resend.mutate(undefined)}
          aria-label={`Resend the invitation to ${invitation.name}`}
        >
          Resend
        </Button>
        <Button
          variant="secondary"
          disabled={revoke.isPending}
          onClick={() => revoke.mutate(undefined)}
          aria-label={`Revoke the invitation to ${invitation.name}`}
        >
          Revoke
        </Button>
      </div>
      {failure && (
        <div className="basis-full">
          <FormNotice tone="error">{failure.message}</FormNotice>
        </div>
      )}
      <output className="basis-full text-sm text-slate-800 empty:hidden">
        {resend.data && !failure && (
          <InvitationDeliveryNotice delivery={resend.data.delivery} to={invitation.email} />
        )}
      </output>
      <output className="basis-full text-sm text-slate-800 empty:hidden">
        {resend.data && !failure && (
          <InvitationDeliveryNotice delivery={resend.data.delivery} to={invitation.email} />
        )}
      </output>
    </li>
  );
}

export function PendingInvitationList({ invitations }: { invitations: PendingStaffInvitation[] }) {
  return (
    <ul aria-label="Pending invitations" className="rounded-lg border border-slate-200 bg-white">
      {invitations.map((invitation) => (
        <InvitationRow key={invitation.id} invitation={invitation} />
      ))}
    </ul>
  );
}
