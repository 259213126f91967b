import { useQuery } from "@tanstack/react-query";
import { call } from "../api.js";

export const clientKeys = {
  lists: ["clients", "list"] as const,
  list: (search: string, sort: ClientSort) => ["clients", "list", search, sort] as const,
  one: (clientId: string) => ["clients", clientId] as const,
  contacts: (clientId: string) => ["clients", clientId, "contacts"] as const,
};

/** By name, or the clients with the most unread for me first. */
export type ClientSort = "name" | "unread";

export const useClientList = (search: string, sort: ClientSort) =>
  useQuery({
    queryKey: clientKeys.list(search, sort),
    queryFn: () => call("listClients", { query: { q: search || undefined, sort } }),
    placeholderData: (previous) => previous,
  });

export const useClient = (clientId: string) =>
  useQuery({
    queryKey: clientKeys.one(clientId),
    queryFn: () => call("getClient", { params: { clientId } }),
  });

export const useContacts = (clientId: string) =>
  useQuery({
    queryKey: clientKeys.contacts(clientId),
    queryFn: () => call("listContacts", { params: { clientId } }),
  });
