import { MessagesSquare } from "lucide-react";
import { Button } from "../../ui/Button.js";

/** Shown while a client has no conversation yet; starts the All Contacts one. */
export function MessagesEmptyState({
  clientName,
  onStart,
  starting,
  error,
}: {
  clientName: string;
  onStart: () => void;
  starting: boolean;
  error: string | null;
}) {
  return (
    <section
      aria-labelledby="messages-empty-heading"
      className="mx-auto flex max-w-lg flex-col items-center gap-3 py-12 text-center"
    >
      <MessagesSquare aria-hidden size={40} className="text-blue-700" />
      <h2 id="messages-empty-heading" className="text-lg font-semibold">
        No conversations with {clientName} yet
      </h2>
      <p className="text-sm text-slate-700">
        Messages is where your team talks with this client's contacts. Start a conversation that
        every contact with portal access can read and reply to; later you can also message one
        contact directly. Internal notes in a conversation are seen only by your team.
      </p>
      <Button onClick={onStart} disabled={starting} className="mt-2">
        Start Conversation
      </Button>
      {error && (
        <p role="alert" className="text-sm text-red-800">
          {error}
        </p>
      )}
    </section>
  );
}
