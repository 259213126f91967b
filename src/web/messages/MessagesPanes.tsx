import { ArrowLeft } from "lucide-react";
import { Link, useNavigation } from "react-router";
import { twoPaneScreen, useMediaQuery } from "../ui/useMediaQuery.js";

/**
 * True on screens wide enough for the conversation list and the thread side by side; below it,
 * Messages shows one pane at a time: the list, then the thread with a way back.
 */
export function useTwoPanes(): boolean {
  return useMediaQuery(twoPaneScreen);
}

/**
 * Whether the bare Messages address may open a conversation by itself: only with two panes, and
 * only while the person is not on their way elsewhere, so a link they followed while the list
 * loaded is where they end up.
 */
export function useOpensFirstConversation(): boolean {
  const wide = useTwoPanes();
  const navigating = useNavigation().state !== "idle";
  return wide && !navigating;
}

/** The way back from a thread to the conversation list when only one pane fits. */
export function BackToConversations({ to }: { to: string }) {
  return (
    <Link to={to} className="flex items-center gap-1 text-sm text-blue-800 hover:underline">
      <ArrowLeft aria-hidden size={16} /> Conversations
    </Link>
  );
}
