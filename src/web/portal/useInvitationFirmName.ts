import { useQuery } from "@tanstack/react-query";
import { call } from "../api.js";

const invitationPath = /^\/portal\/invitation\/([A-Za-z0-9_-]{20,100})$/;

/**
 * The invitation token a sign-in page was reached from: the invitation page sends people here with
 * `next` back to it, or with `invitation` once the link itself is spent.
 */
export function invitationTokenOf(search: string): string | null {
  const params = new URLSearchParams(search);
  const direct = params.get("invitation");
  if (direct && /^[A-Za-z0-9_-]{20,100}$/.test(direct)) return direct;
  const next = params.get("next") ?? "";
  return invitationPath.exec(next)?.[1] ?? null;
}

/**
 * The name of the firm whose invitation brought someone to sign in, or null. It is read through
 * the invitation itself, so only a real invitation link names a firm: there is no lookup by firm
 * or client id for anyone to try ids against.
 */
export function useInvitationFirmName(): string | null {
  const token = invitationTokenOf(window.location.search);
  const invitation = useQuery({
    queryKey: ["invitation", token],
    queryFn: () => call("getInvitation", { params: { token: token ?? "" } }),
    enabled: token !== null,
    retry: false,
    staleTime: 5 * 60_000,
  });
  return invitation.data?.firmName ?? null;
}
