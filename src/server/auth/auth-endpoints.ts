/**
 * The Better Auth endpoints the app uses, by method and path under `/api/auth`. Every other
 * endpoint answers 404: some would bypass our own rules (update-user takes any name or image,
 * change-email, delete-user), and none should be reachable by accident when Better Auth grows.
 */
const usedEndpoints: { method: "GET" | "POST"; path: string | RegExp }[] = [
  { method: "POST", path: "/sign-in/email" },
  { method: "POST", path: "/sign-out" },
  { method: "GET", path: "/get-session" },
  { method: "POST", path: "/sign-in/magic-link" },
  { method: "GET", path: "/magic-link/verify" },
  { method: "POST", path: "/request-password-reset" },
  // The mailed reset link: checks the token, then redirects to our reset page with it.
  { method: "GET", path: /^\/reset-password\/[A-Za-z0-9_-]+$/ },
  { method: "POST", path: "/reset-password" },
  { method: "POST", path: "/change-password" },
  { method: "GET", path: "/list-sessions" },
  { method: "POST", path: "/revoke-session" },
  { method: "POST", path: "/revoke-sessions" },
  { method: "POST", path: "/revoke-other-sessions" },
  // Staff two-factor: set up (password → secret and backup codes), confirm or sign in with a code
  // or a backup code, turn off. Contacts are refused in auth-rules.ts.
  { method: "POST", path: "/two-factor/enable" },
  { method: "POST", path: "/two-factor/verify-totp" },
  { method: "POST", path: "/two-factor/verify-backup-code" },
  { method: "POST", path: "/two-factor/disable" },
];

export const AUTH_BASE_PATH = "/api/auth";

/** True when a request (method and URL path, still percent-encoded) names an endpoint we use. */
export function isUsedAuthEndpoint(method: string, pathname: string): boolean {
  if (!pathname.startsWith(`${AUTH_BASE_PATH}/`)) return false;
  const path = pathname.slice(AUTH_BASE_PATH.length);
  return usedEndpoints.some(
    (endpoint) =>
      endpoint.method === method &&
      (typeof endpoint.path === "string" ? endpoint.path === path : endpoint.path.test(path)),
  );
}
