import { useMutation, useQueryClient } from "@tanstack/react-query";
import { MessageSquarePlus } from "lucide-react";
import { useNavigate } from "react-router";
import { call } from "../api.js";
import { messagingKeys } from "../messages/messageHooks.js";
import { Button } from "../ui/Button.js";

/**
 * "Message <firm>": opens the contact's own direct thread with the firm, creating it on the server
 * when it does not exist yet, and goes to it with focus ready for the first message.
 */
export function MessageFirmButton({
  clientId,
  firmName,
  className = "",
}: {
  clientId: string;
  firmName: string;
  className?: string;
}) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const start = useMutation({
    mutationFn: () => call("startPortalDirectConversation", { params: { clientId } }),
    onSuccess: async (conversation) => {
      await queryClient.invalidateQueries({ queryKey: messagingKeys.conversations(clientId) });
      navigate(`/portal/clients/${clientId}/${conversation.id}`);
    },
  });
  return (
    <div className={className}>
      <Button
        variant="secondary"
        className="w-full"
        disabled={start.isPending}
        onClick={() => start.mutate()}
      >
        <MessageSquarePlus aria-hidden size={16} /> Message {firmName}
      </Button>
      {start.error && (
        <p role="alert" className="mt-2 text-sm text-red-800">
          {start.error.message}
        </p>
      )}
    </div>
  );
}
