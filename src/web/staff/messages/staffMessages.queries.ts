import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  Conversation,
  ConversationList,
  CreateConversationBody,
  TeamMember,
} from "../../../shared/api/messaging.js";
import { api } from "../../api.js";
import { messagingKeys, withReportedReads } from "../../messages/messages.queries.js";

export const useConversationList = (clientId: string) =>
  useQuery({
    queryKey: messagingKeys.conversations(clientId),
    queryFn: () => api<ConversationList>("GET", `/api/clients/${clientId}/conversations`),
    select: withReportedReads,
  });

/** Creates (or finds, when it already exists) a conversation, and refreshes the list first. */
export function useCreateConversation(clientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateConversationBody) =>
      api<Conversation>("POST", `/api/clients/${clientId}/conversations`, body),
    onSuccess: () =>
      queryClient.invalidateQueries({ queryKey: messagingKeys.conversations(clientId) }),
  });
}

/** The firm's staff, offered as @mentions. */
export const useTeam = () =>
  useQuery({
    queryKey: ["team"],
    queryFn: () => api<{ members: TeamMember[] }>("GET", "/api/team"),
    staleTime: 5 * 60_000,
  });
