import type { FormEvent } from "react";
import type { InvitationDelivery } from "../../shared/api/outbox.js";
import { ApiRequestError, call } from "../api.js";
import { FormNotice } from "../ui/AuthCard.js";
import { Button } from "../ui/Button.js";
import { Dialog } from "../ui/Dialog.js";
import { TextField } from "../ui/TextField.js";
import { useTeamAction } from "./team.queries.js";

type Invitee = { name: string; email: string; role: "admin" | "member" };

/** Name, e-mail and role of a new teammate; the invitation e-mail goes through the outbox. */
export function InviteTeammateDialog({
  open,
  onOpenChange,
  onInvited,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onInvited: (sent: { email: string; delivery: InvitationDelivery }) => void;
}) {
  const invite = useTeamAction((body: Invitee) => call("inviteStaff", { body }));
  const fields = invite.error instanceof ApiRequestError ? invite.error.fields : {};
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    invite.mutate(
      {
        name: String(form.get("name") ?? ""),
        email: String(form.get("email") ?? ""),
        role: form.get("role") === "admin" ? "admin" : "member",
      },
      {
        onSuccess: (sent) => {
          onInvited(sent);
          onOpenChange(false);
        },
      },
    );
  };
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        if (!next) invite.reset();
        onOpenChange(next);
      }}
      title="Invite teammate"
      description="They get an e-mail with a link that works once, for 7 days, to choose a password."
    >
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <TextField label="Name" name="name" autoComplete="off" error={fields.name} />
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="off"
          error={fields.email}
        />
        <div className="flex flex-col gap-1">
          <label htmlFor="invite-role" className="text-sm font-medium text-slate-800">
            Role
          </label>
          <select
            id="invite-role"
            name="role"
            defaultValue="member"
            className="rounded-md border border-slate-400 px-3 py-2 text-sm"
          >
            <option value="member">Member: works with clients and messages</option>
            <option value="admin">Admin: also manages the team and reads the outbox</option>
          </select>
        </div>
        {invite.error && Object.keys(fields).length === 0 && (
          <FormNotice tone="error">{invite.error.message}</FormNotice>
        )}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" disabled={invite.isPending}>
            Send invitation
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
