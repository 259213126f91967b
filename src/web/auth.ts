import { ApiRequestError, postToAuth } from "./api.js";

/**
 * The page to open after sign-in: `next` when it is a path on this site, else `fallback`.
 * It is parsed as the browser will follow it, since `/\evil.test` or `/<tab>/evil.test`
 * look like paths but lead to another host; the answer is the parsed path, not the input.
 */
export function sameSitePath(next: string | null, origin: string, fallback: string): string {
  if (!next?.startsWith("/")) return fallback;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return fallback;
  }
  return url.origin === origin ? `${url.pathname}${url.search}${url.hash}` : fallback;
}

/** The `next` of this page's address as a same-site path, so a crafted link cannot send users away. */
export function safeNextPath(fallback: string): string {
  const next = new URLSearchParams(window.location.search).get("next");
  return sameSitePath(next, window.location.origin, fallback);
}

export type SignInOutcome = { signedIn: true } | { codeNeeded: true } | { error: string };

/**
 * Signs in with e-mail and password. With two-factor on, the password alone gives no session:
 * the outcome asks for the authentication code next.
 */
/** Our own words beside a sign-in form's fields, before anything is sent. */
export function signInFieldProblems(email: string, password: string) {
  const problems: { email?: string; password?: string } = {};
  if (!email.trim()) problems.email = "Enter the e-mail address you sign in with.";
  else if (!email.includes("@"))
    problems.email = "Enter a whole e-mail address, like name@example.com.";
  if (!password) problems.password = "Enter your password.";
  return problems;
}

const ACCESS_ENDED_KEY = "portico.portal-access-ended";

/** Remembers, across the sign-out that follows, which firm ended this person's portal access. */
export function rememberAccessEnded(firmName: string) {
  sessionStorage.setItem(ACCESS_ENDED_KEY, firmName);
}

/** The firm that ended this person's portal access, if that is why they are signed out. */
export const accessEndedBy = () => sessionStorage.getItem(ACCESS_ENDED_KEY);
export const forgetAccessEnded = () => sessionStorage.removeItem(ACCESS_ENDED_KEY);

export async function signInWithPassword(email: string, password: string): Promise<SignInOutcome> {
  try {
    const answer = (await postToAuth("/api/auth/sign-in/email", { email, password })) as {
      twoFactorRedirect?: boolean;
    } | null;
    return answer?.twoFactorRedirect ? { codeNeeded: true } : { signedIn: true };
  } catch (caught) {
    if (caught instanceof ApiRequestError && caught.status === 401) {
      return {
        error: "That e-mail and password do not match an account. Check both and try again.",
      };
    }
    return { error: caught instanceof Error ? caught.message : "Sign-in failed." };
  }
}

let signingOut = false;

/** True once the user asked to sign out, so requests that fail as the session ends do not redirect elsewhere. */
export function isSigningOut(): boolean {
  return signingOut;
}

export async function signOutTo(path: string) {
  signingOut = true;
  try {
    await postToAuth("/api/auth/sign-out", {});
  } catch (caught) {
    signingOut = false;
    throw caught;
  }
  window.location.assign(path);
}

let renewal: Promise<unknown> = Promise.resolve();

/**
 * Runs an auth call that ends this tab's session and sets a new one (confirming or turning off
 * two-factor, changing the password). The old session's end reaches the page's socket before
 * the new cookie arrives, so a 401 meanwhile is not a sign-out: `isSignedOut` waits for this.
 */
export function renewingSession<T>(work: Promise<T>): Promise<T> {
  renewal = work.catch(() => undefined);
  return work;
}

/** Whether this tab is really signed out: once any session renewal is done, the server knows no session. */
export async function isSignedOut(): Promise<boolean> {
  await renewal;
  try {
    const response = await fetch("/api/auth/get-session", { credentials: "same-origin" });
    return response.ok && (await response.json()) === null;
  } catch {
    return false;
  }
}
