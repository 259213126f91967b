/**
 * Who is in a thread as a contact reads it: "You, Eli Stone and Northwind Accounting". Joined by
 * hand rather than Intl.ListFormat, whose English adds a serial comma the product does not use.
 */
export function membersLine(members: readonly string[]): string {
  const everyone = ["You", ...members];
  if (everyone.length === 1) return "Only you";
  const last = everyone[everyone.length - 1];
  return `${everyone.slice(0, -1).join(", ")} and ${last}`;
}
