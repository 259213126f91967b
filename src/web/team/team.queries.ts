import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { call } from "../api.js";

/** Under the mention suggestions' ["team"] key, so a team change refreshes both. */
export const teamListKey = ["team", "staff"] as const;

export const useTeamList = () =>
  useQuery({ queryKey: teamListKey, queryFn: () => call("listStaff") });

/** A Team page action; on success the list (and who can be mentioned) is read again. */
export function useTeamAction<Input, Output>(action: (input: Input) => Promise<Output>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: action,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["team"] }),
  });
}
