/** The only link protocols a message may carry; anything else (javascript:, data:, …) is refused. */
export const allowedLinkProtocols = ["http:", "https:", "mailto:"] as const;

export function isAllowedHref(href: unknown): href is string {
  if (typeof href !== "string") return false;
  try {
    return (allowedLinkProtocols as readonly string[]).includes(new URL(href).protocol);
  } catch {
    return false;
  }
}
