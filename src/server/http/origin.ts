type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The request's Origin when it names the host the request was sent to (a same-origin request).
 * A cross-site page cannot forge the Origin header, so this is our CSRF check.
 */
export function requestOrigin(headers: HeaderSource): string | undefined {
  const origin = header(headers, "origin");
  const host = header(headers, "host");
  if (!origin || !host) return undefined;
  try {
    return new URL(origin).host === host ? origin : undefined;
  } catch {
    return undefined;
  }
}

/** True when a state-changing request comes from our own pages (same host, or the public URL). */
export function isTrustedOrigin(headers: HeaderSource, publicUrl: string): boolean {
  const origin = header(headers, "origin");
  if (!origin) return false;
  return origin === new URL(publicUrl).origin || requestOrigin(headers) !== undefined;
}
