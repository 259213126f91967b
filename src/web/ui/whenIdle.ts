/**
 * Runs `run` once the browser has a quiet moment (at most `timeout` ms later) and returns a way
 * to cancel it. Safari has no requestIdleCallback: a zero timeout does nearly as well there.
 */
export function whenIdle(run: () => void, timeout: number): () => void {
  if (typeof requestIdleCallback === "function") {
    const handle = requestIdleCallback(run, { timeout });
    return () => cancelIdleCallback(handle);
  }
  const handle = window.setTimeout(run, 0);
  return () => window.clearTimeout(handle);
}
