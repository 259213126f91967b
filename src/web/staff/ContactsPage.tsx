import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Pencil, Plus, Trash2 } from "lucide-react";
import { type ReactNode, useState } from "react";
import { useParams } from "react-router";
import type { Contact, PortalStatus } from "../../shared/api/clients.js";
import { call } from "../api.js";
import { Button } from "../ui/Button.js";
import { ConfirmDialog } from "../ui/ConfirmDialog.js";
import { Table } from "../ui/Table.js";
import { usePageTitle } from "../ui/usePageTitle.js";
import { ContactDialog } from "./ContactDialog.js";
import { clientKeys, useClient, useContacts } from "./clients.queries.js";
import { PortalAccessActions } from "./PortalAccessActions.js";
import { useStaffSession } from "./session.js";

const portalStatusLabel: Record<PortalStatus, string> = {
  none: "No access",
  invited: "Invited",
  active: "Active",
  revoked: "Revoked",
};

const portalStatusStyle: Record<PortalStatus, string> = {
  none: "bg-slate-100 text-slate-700",
  invited: "bg-amber-100 text-amber-900",
  active: "bg-green-100 text-green-900",
  revoked: "bg-red-100 text-red-900",
};

type Editing = { mode: "add" } | { mode: "edit"; contact: Contact } | null;

export function ContactsPage() {
  const { clientId = "" } = useParams();
  const client = useClient(clientId);
  const contacts = useContacts(clientId);
  usePageTitle(`Contacts · ${client.data?.name ?? "Client"}`);
  const [editing, setEditing] = useState<Editing>(null);
  const [removing, setRemoving] = useState<Contact | null>(null);
  const [announcement, setAnnouncement] = useState<ReactNode>("");
  const queryClient = useQueryClient();
  const mayRemove = useStaffSession().data?.can.removeContacts ?? false;

  const remove = useMutation({
    mutationFn: (contact: Contact) =>
      call("deleteContact", { params: { clientId, contactId: contact.id } }),
    onSuccess: async () => {
      setRemoving(null);
      await queryClient.invalidateQueries({ queryKey: ["clients"] });
    },
  });

  return (
    <section aria-labelledby="contacts-heading">
      <div className="flex items-center justify-between gap-4">
        <h2 id="contacts-heading" className="text-lg font-semibold">
          Contacts
        </h2>
        <Button onClick={() => setEditing({ mode: "add" })}>
          <Plus aria-hidden size={16} /> Add contact
        </Button>
      </div>
      <output className="mt-2 block min-h-5 text-sm text-slate-700">{announcement}</output>
      {contacts.isError ? (
        <p role="alert" className="mt-4 text-red-800">
          {contacts.error.message}
        </p>
      ) : (
        <Table
          className="mt-2"
          columns={[
            { key: "name", label: "Name" },
            { key: "email", label: "Email" },
            { key: "portal", label: "Portal access" },
            { key: "actions", label: <span className="sr-only">Actions</span> },
          ]}
        >
          {contacts.data?.contacts.map((contact) => (
            <tr key={contact.id} className="border-t border-slate-200">
              <td className="px-4 py-2 font-medium">{contact.name}</td>
              <td className="px-4 py-2">
                {contact.email ?? <span className="text-slate-600">No e-mail</span>}
              </td>
              <td className="px-4 py-2">
                {contact.former ? (
                  <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-800">
                    Former contact
                  </span>
                ) : (
                  <span
                    className={`rounded-full px-2 py-0.5 text-xs font-medium ${portalStatusStyle[contact.portalStatus]}`}
                  >
                    {portalStatusLabel[contact.portalStatus]}
                  </span>
                )}
              </td>
              <td className="px-4 py-2 text-right whitespace-nowrap">
                {!contact.former && (
                  <>
                    <PortalAccessActions
                      clientId={clientId}
                      contact={contact}
                      onResult={setAnnouncement}
                    />
                    <Button
                      variant="ghost"
                      aria-label={`Edit ${contact.name}`}
                      onClick={() => setEditing({ mode: "edit", contact })}
                    >
                      <Pencil aria-hidden size={16} /> Edit
                    </Button>
                    {mayRemove && (
                      <Button
                        variant="ghost"
                        aria-label={`Remove ${contact.name}`}
                        onClick={() => setRemoving(contact)}
                      >
                        <Trash2 aria-hidden size={16} /> Remove
                      </Button>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
          {contacts.data?.contacts.length === 0 && (
            <tr>
              <td colSpan={4} className="px-4 py-6 text-center text-slate-600">
                No contacts yet. Add the people you work with at this client.
              </td>
            </tr>
          )}
        </Table>
      )}
      {editing && (
        <ContactDialog
          clientId={clientId}
          contact={editing.mode === "edit" ? editing.contact : undefined}
          onClose={() => setEditing(null)}
          onSaved={() => queryClient.invalidateQueries({ queryKey: clientKeys.contacts(clientId) })}
        />
      )}
      <ConfirmDialog
        open={removing !== null}
        onOpenChange={(open) => {
          if (!open) {
            setRemoving(null);
            remove.reset();
          }
        }}
        title={`Remove ${removing?.name ?? "contact"}?`}
        description={
          remove.error
            ? remove.error.message
            : "Their portal access ends at once. If they have messages or a direct conversation, that history is kept and they stay listed as a former contact; otherwise they are removed. This cannot be undone."
        }
        confirmLabel="Remove"
        busy={remove.isPending}
        onConfirm={() => removing && remove.mutate(removing)}
      />
    </section>
  );
}
