import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import type { Contact, ContactInput } from "../../shared/api/clients.js";
import { ApiRequestError, call } from "../api.js";
import { Button } from "../ui/Button.js";
import { Dialog } from "../ui/Dialog.js";
import { TextField } from "../ui/TextField.js";

/** Adds a contact, or edits one when `contact` is given. Server errors show beside their field. */
export function ContactDialog({
  clientId,
  contact,
  onClose,
  onSaved,
}: {
  clientId: string;
  contact?: Contact;
  onClose: () => void;
  onSaved: () => Promise<unknown>;
}) {
  const save = useMutation({
    mutationFn: (input: ContactInput) =>
      contact
        ? call("updateContact", { params: { clientId, contactId: contact.id }, body: input })
        : call("createContact", { params: { clientId }, body: input }),
    onSuccess: async () => {
      await onSaved();
      onClose();
    },
  });
  const fields = save.error instanceof ApiRequestError ? save.error.fields : {};
  const otherError = save.error && !fields.name && !fields.email ? save.error.message : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    save.mutate({ name: String(form.get("name") ?? ""), email: String(form.get("email") ?? "") });
  }

  return (
    <Dialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={contact ? `Edit ${contact.name}` : "Add contact"}
    >
      <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
        <TextField
          label="Name"
          name="name"
          defaultValue={contact?.name}
          autoComplete="off"
          error={fields.name}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          defaultValue={contact?.email ?? ""}
          autoComplete="off"
          hint="Needed to give this contact portal access."
          error={fields.email}
        />
        {otherError && (
          <p role="alert" className="text-sm text-red-800">
            {otherError}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={save.isPending}>
            {contact ? "Save" : "Add contact"}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
