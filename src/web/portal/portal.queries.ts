import { useQuery } from "@tanstack/react-query";
import { call } from "../api.js";
import { messagingKeys, withReportedReads } from "../messages/messageHooks.js";

export const usePortalSession = () =>
  useQuery({
    queryKey: ["portal-session"],
    queryFn: () => call("getPortalSession"),
    staleTime: 5 * 60_000,
  });

/** The client's threads as this contact sees them; shares the staff list's cache key shape. */
export const usePortalConversations = (clientId: string) =>
  useQuery({
    queryKey: messagingKeys.conversations(clientId),
    queryFn: () => call("listPortalConversations", { params: { clientId } }),
    select: withReportedReads,
    enabled: clientId !== "",
  });
