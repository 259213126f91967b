import { useQuery } from "@tanstack/react-query";
import type { Client, ClientSummary, Contact } from "../../shared/api/clients.js";
import { api } from "../api.js";

export const clientKeys = {
  list: (search: string) => ["clients", "list", search] as const,
  one: (clientId: string) => ["clients", clientId] as const,
  contacts: (clientId: string) => ["clients", clientId, "contacts"] as const,
};

export const useClientList = (search: string) =>
  useQuery({
    queryKey: clientKeys.list(search),
    queryFn: () =>
      api<{ clients: ClientSummary[] }>(
        "GET",
        `/api/clients${search ? `?q=${encodeURIComponent(search)}` : ""}`,
      ),
    placeholderData: (previous) => previous,
  });

export const useClient = (clientId: string) =>
  useQuery({
    queryKey: clientKeys.one(clientId),
    queryFn: () => api<Client>("GET", `/api/clients/${clientId}`),
  });

export const useContacts = (clientId: string) =>
  useQuery({
    queryKey: clientKeys.contacts(clientId),
    queryFn: () => api<{ contacts: Contact[] }>("GET", `/api/clients/${clientId}/contacts`),
  });
