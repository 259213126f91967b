import { useConnectionProblem } from "../connection.js";

const text = {
  offline: "You are offline. Anything you send waits and goes out when you are back online.",
  reconnecting:
    "The connection to Portico was lost. Reconnecting… Anything you send waits until it is back.",
};

/** Says when the app cannot reach the server; the status region stays so changes are announced. */
export function ConnectionBanner() {
  const problem = useConnectionProblem();
  return (
    <output className="block shrink-0">
      {problem && (
        <p className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-sm text-amber-950">
          {text[problem]}
        </p>
      )}
    </output>
  );
}
