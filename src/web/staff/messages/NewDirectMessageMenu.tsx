import { MessageSquarePlus } from "lucide-react";
import { DropdownMenu } from "radix-ui";
import type { ConversationList } from "../../../shared/api/messaging.js";
import { Button } from "../../ui/Button.js";

type ContactOption = ConversationList["contactsWithoutDirect"][number];

/** "New Direct Message": the contacts that have no direct conversation yet, one to pick. */
export function NewDirectMessageMenu({
  contacts,
  onChoose,
  busy,
  error,
}: {
  contacts: ContactOption[];
  onChoose: (contact: ContactOption) => void;
  busy: boolean;
  error: string | null;
}) {
  return (
    <div className="border-t border-slate-200 p-2">
      <DropdownMenu.Root modal={false}>
        <DropdownMenu.Trigger asChild>
          <Button variant="secondary" className="w-full" disabled={busy}>
            <MessageSquarePlus aria-hidden size={16} /> New Direct Message
          </Button>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content
            side="top"
            align="start"
            sideOffset={4}
            className="z-40 max-h-80 min-w-64 overflow-y-auto rounded-md border border-slate-300 bg-white p-1 text-sm shadow-lg"
            // The new conversation opens with focus in its composer instead.
            onCloseAutoFocus={(event) => event.preventDefault()}
          >
            <DropdownMenu.Label className="px-2 py-1.5 text-xs font-semibold text-slate-700">
              Message one contact
            </DropdownMenu.Label>
            {contacts.map((contact) => (
              <DropdownMenu.Item
                key={contact.id}
                onSelect={() => onChoose(contact)}
                className="group flex cursor-pointer flex-col rounded px-2 py-1.5 text-slate-900 outline-none data-highlighted:bg-blue-700 data-highlighted:text-white"
              >
                <span className="font-medium">{contact.name}</span>
                {contact.portalStatus !== "active" && (
                  <span className="text-xs text-slate-700 group-data-highlighted:text-white">
                    no portal access yet
                  </span>
                )}
              </DropdownMenu.Item>
            ))}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
      {error && (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
