import { createHash, randomBytes } from "node:crypto";

/** A random token for a link, and the hash we store: a leaked table cannot be turned into links. */
export function createLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashLinkToken(token) };
}

export const hashLinkToken = (token: string) => createHash("sha256").update(token).digest("hex");
