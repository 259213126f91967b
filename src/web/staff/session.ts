import { useQuery } from "@tanstack/react-query";
import { call } from "../api.js";
import { signOutTo } from "../auth.js";

export const sessionQuery = {
  queryKey: ["session"],
  queryFn: () => call("getStaffSession"),
  staleTime: 5 * 60_000,
};

export const useStaffSession = () => useQuery(sessionQuery);

export const signOut = () => signOutTo("/sign-in");
