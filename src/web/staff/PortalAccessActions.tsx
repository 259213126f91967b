import { useMutation, useQueryClient } from "@tanstack/react-query";
import { MailPlus, ShieldOff } from "lucide-react";
import { type ReactNode, useState } from "react";
import type { Contact } from "../../shared/api/clients.js";
import { call } from "../api.js";
import { Button } from "../ui/Button.js";
import { ConfirmDialog } from "../ui/ConfirmDialog.js";
import { clientKeys } from "./clients.queries.js";
import { InvitationDeliveryNotice } from "./InvitationDeliveryNotice.js";

/**
 * Invite, resend or revoke a contact's portal access. `onResult` announces what happened,
 * since the row itself changes only by a small status badge.
 */
export function PortalAccessActions({
  clientId,
  contact,
  onResult,
}: {
  clientId: string;
  contact: Contact;
  onResult: (message: ReactNode) => void;
}) {
  const queryClient = useQueryClient();
  const [confirmingRevoke, setConfirmingRevoke] = useState(false);
  const params = { clientId, contactId: contact.id };
  const refresh = () => queryClient.invalidateQueries({ queryKey: clientKeys.contacts(clientId) });

  const invite = useMutation({
    mutationFn: () => call("inviteContact", { params }),
    onSuccess: async ({ delivery }) => {
      await refresh();
      onResult(<InvitationDeliveryNotice delivery={delivery} to={contact.email ?? contact.name} />);
    },
    onError: (error) => onResult(error.message),
  });
  const revoke = useMutation({
    mutationFn: () => call("revokePortalAccess", { params }),
    onSuccess: async () => {
      setConfirmingRevoke(false);
      await refresh();
      onResult(`${contact.name} no longer has portal access.`);
    },
  });

  const canInvite = contact.portalStatus === "none" || contact.portalStatus === "revoked";
  const canRevoke = contact.portalStatus === "invited" || contact.portalStatus === "active";

  return (
    <>
      {(canInvite || contact.portalStatus === "invited") && (
        <Button
          variant="ghost"
          disabled={!contact.email || invite.isPending}
          title={contact.email ? undefined : "Add an e-mail address first"}
          aria-label={`${canInvite ? "Invite to portal" : "Resend invitation"}: ${contact.name}`}
          onClick={() => invite.mutate()}
        >
          <MailPlus aria-hidden size={16} /> {canInvite ? "Invite to portal" : "Resend invitation"}
        </Button>
      )}
      {canRevoke && (
        <Button
          variant="ghost"
          aria-label={`Revoke access: ${contact.name}`}
          onClick={() => setConfirmingRevoke(true)}
        >
          <ShieldOff aria-hidden size={16} /> Revoke access
        </Button>
      )}
      <ConfirmDialog
        open={confirmingRevoke}
        onOpenChange={(open) => {
          setConfirmingRevoke(open);
          if (!open) revoke.reset();
        }}
        title={`Revoke portal access for ${contact.name}?`}
        description={
          revoke.error
            ? revoke.error.message
            : "They are signed out of the portal at once and can no longer read or send messages. You can invite them again later."
        }
        confirmLabel="Revoke access"
        busy={revoke.isPending}
        onConfirm={() => revoke.mutate()}
      />
    </>
  );
}
