import { useQuery } from "@tanstack/react-query";
import type { ConversationList } from "../../shared/api/messaging.js";
import type { ContactSession } from "../../shared/api/session.js";
import { api } from "../api.js";
import { messagingKeys, withReportedReads } from "../messages/messages.queries.js";

export const usePortalSession = () =>
  useQuery({
    queryKey: ["portal-session"],
    queryFn: () => api<ContactSession>("GET", "/api/portal/session"),
    staleTime: 5 * 60_000,
  });

/** The client's threads as this contact sees them; shares the staff list's cache key shape. */
export const usePortalConversations = (clientId: string) =>
  useQuery({
    queryKey: messagingKeys.conversations(clientId),
    queryFn: () => api<ConversationList>("GET", `/api/portal/clients/${clientId}/conversations`),
    select: withReportedReads,
    enabled: clientId !== "",
  });
