/** True when a statement failed on a unique index (PostgreSQL error 23505), on either driver. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    const { code, constraint: failed } = current as { code?: string; constraint?: string };
    if (code === "23505") return constraint === undefined || failed === constraint;
  }
  return false;
}
