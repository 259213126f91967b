import { useQuery } from "@tanstack/react-query";
import { call } from "../api.js";

export const clientKeys = {
  list: (search: string) => ["clients", "list", search] as const,
  one: (clientId: string) => ["clients", clientId] as const,
  contacts: (clientId: string) => ["clients", clientId, "contacts"] as const,
};

export const useClientList = (search: string) =>
  useQuery({
    queryKey: clientKeys.list(search),
    queryFn: () => call("listClients", { query: { q: search || undefined } }),
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
