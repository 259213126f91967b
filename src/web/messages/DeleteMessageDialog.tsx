import type { Message } from "../../shared/api/messaging.js";
import { ConfirmDialog } from "../ui/ConfirmDialog.js";
import { useDeleteMessage } from "./messageHooks.js";

/**
 * Confirms and deletes one message. It lives beside the thread, not inside the message,
 * because the message row disappears the moment the delete succeeds.
 */
export function DeleteMessageDialog({
  message,
  clientId,
  onClose,
  onDeleted,
}: {
  message: Message | null;
  clientId: string;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const remove = useDeleteMessage(clientId);
  return (
    <ConfirmDialog
      open={message !== null}
      onOpenChange={(open) => {
        if (!open) {
          onClose();
          remove.reset();
        }
      }}
      title="Delete this message?"
      description={
        remove.error
          ? remove.error.message
          : "This permanently deletes the message. This cannot be undone."
      }
      confirmLabel="Delete"
      busy={remove.isPending}
      onConfirm={() => message && remove.mutate(message, { onSuccess: onClose })}
      onCloseAutoFocus={(event) => {
        if (remove.isSuccess) {
          event.preventDefault();
          remove.reset();
          onDeleted();
        }
      }}
    />
  );
}
