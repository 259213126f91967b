/**
 * Counts each person's open sockets in this process, so one person (with many tabs, or a
 * script) cannot hold an unbounded number of connections and their subscriptions.
 */
export function createSocketLimit(maxPerPerson: number) {
  const open = new Map<string, number>();
  return {
    /** Takes a place for the person, or answers false when they hold `maxPerPerson` already. */
    admit(userId: string): boolean {
      const count = open.get(userId) ?? 0;
      if (count >= maxPerPerson) return false;
      open.set(userId, count + 1);
      return true;
    },
    release(userId: string) {
      const count = (open.get(userId) ?? 1) - 1;
      if (count > 0) open.set(userId, count);
      else open.delete(userId);
    },
  };
}
