import { useQuery } from "@tanstack/react-query";
import type { StaffSession } from "../../shared/api/session.js";
import { api } from "../api.js";

export const sessionQuery = {
  queryKey: ["session"],
  queryFn: () => api<StaffSession>("GET", "/api/session"),
  staleTime: 5 * 60_000,
};

export const useStaffSession = () => useQuery(sessionQuery);

export async function signOut() {
  await api("POST", "/api/auth/sign-out", {});
  window.location.assign("/sign-in");
}
