import { useQuery } from "@tanstack/react-query";
import type { StaffSession } from "../../shared/api/session.js";
import { api } from "../api.js";
import { signOutTo } from "../auth.js";

export const sessionQuery = {
  queryKey: ["session"],
  queryFn: () => api<StaffSession>("GET", "/api/session"),
  staleTime: 5 * 60_000,
};

export const useStaffSession = () => useQuery(sessionQuery);

export const signOut = () => signOutTo("/sign-in");
