import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { CreateConversationBody } from "../../../shared/api/messaging.js";
import { call } from "../../api.js";
import { messagingKeys, withReportedReads } from "../../messages/messageHooks.js";

export const useConversationList = (clientId: string) =>
  useQuery({
    queryKey: messagingKeys.conversations(clientId),
    queryFn: () => call("listConversations", { params: { clientId } }),
    select: withReportedReads,
  });

/** Creates (or finds, when it already exists) a conversation, and refreshes the list first. */
export function useCreateConversation(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateConversationBody) =>
      call("startConversation", { params: { clientId }, body }),
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: messagingKeys.conversations(clientId) }),
  });
}

/** The firm's staff, offered as @mentions. */
export const useTeam = () =>
  useQuery({
    queryKey: ["team"],
    queryFn: () => call("listTeamMembers"),
    staleTime: 5 * 60_000,
  });
