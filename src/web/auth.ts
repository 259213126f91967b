import { ApiRequestError, api } from "./api.js";

/** Only same-site paths are followed after sign-in, so a crafted link cannot send users away. */
export function safeNextPath(fallback: string): string {
  const next = new URLSearchParams(window.location.search).get("next");
  return next?.startsWith("/") && !next.startsWith("//") ? next : fallback;
}

/** Signs in with e-mail and password; resolves to an error message to show, or null on success. */
export async function signInWithPassword(email: string, password: string): Promise<string | null> {
  try {
    await api("POST", "/api/auth/sign-in/email", { email, password });
    return null;
  } catch (caught) {
    if (caught instanceof ApiRequestError && caught.status === 401) {
      return "That e-mail and password do not match an account. Check both and try again.";
    }
    return caught instanceof Error ? caught.message : "Sign-in failed.";
  }
}

export async function signOutTo(path: string) {
  await api("POST", "/api/auth/sign-out", {});
  window.location.assign(path);
}
