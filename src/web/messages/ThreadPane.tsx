import {
  lazy,
  type ReactNode,
  Suspense,
  startTransition,
  useCallback,
  useEffect,
  useRef,
  useState,
} from "react";
import type { Message, TeamMember } from "../../shared/api/messaging.js";
import { whenIdle } from "../ui/whenIdle.js";
import type { ComposerHandle } from "./Composer.js";
import { useThreadMessages } from "./messageHooks.js";
import { Thread } from "./Thread.js";

const Composer = lazy(() => import("./Composer.js"));

/**
 * True once the thread has loaded and the browser has had a moment after painting it: the
 * composer (and, for staff, the editor, the largest part of the screen's script) then loads
 * after the messages are on screen instead of competing with them.
 */
function useAfterThreadPaint(threadLoaded: boolean) {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (ready || !threadLoaded) return;
    let cancelIdle = () => {};
    const frame = requestAnimationFrame(() => {
      // A transition, so React renders the composer in slices that leave the page responsive.
      cancelIdle = whenIdle(() => startTransition(() => setReady(true)), 500);
    });
    return () => {
      cancelAnimationFrame(frame);
      cancelIdle();
    };
  }, [ready, threadLoaded]);
  return ready;
}

function EditorPlaceholder() {
  return (
    <div className="border-t border-slate-200 p-3 text-sm text-slate-600">Loading editor…</div>
  );
}

/**
 * An open conversation with its composer, for staff and portal alike. What differs by side comes
 * in as props: the title and who sees the thread, whom mentions may name, whether notes may be
 * written, and anything shown above the title (the portal's way back on a phone).
 */
export function ThreadPane({
  conversationId,
  clientId,
  title,
  audience,
  headerStart,
  draftKey,
  team,
  allowInternal,
  isMine,
  focusComposerOnOpen = false,
}: {
  conversationId: string;
  clientId: string;
  title: string;
  /** One line on who reads this conversation. */
  audience: string;
  headerStart?: ReactNode;
  draftKey: string;
  team: TeamMember[];
  allowInternal: boolean;
  isMine: (author: Message["author"]) => boolean;
  focusComposerOnOpen?: boolean;
}) {
  const composerRef = useRef<ComposerHandle | null>(null);
  const focusComposer = useCallback(() => composerRef.current?.focus(), []);
  const thread = useThreadMessages(conversationId);
  const loadEditor = useAfterThreadPaint(!thread.isPending);

  return (
    <section aria-label={title} className="flex min-h-0 min-w-0 flex-1 flex-col bg-white">
      <div className="flex flex-col items-start gap-0.5 border-b border-slate-200 px-4 py-2">
        {headerStart}
        <div className="flex flex-wrap items-baseline gap-x-3">
          <h2 className="text-base font-semibold">{title}</h2>
          <p className="text-xs text-slate-700">{audience}</p>
        </div>
      </div>
      <Thread
        conversationId={conversationId}
        clientId={clientId}
        team={team}
        isMine={isMine}
        onActionFinished={focusComposer}
      />
      {!loadEditor ? (
        <EditorPlaceholder />
      ) : (
        <Suspense fallback={<EditorPlaceholder />}>
          <Composer
            conversationId={conversationId}
            clientId={clientId}
            draftKey={draftKey}
            team={team}
            allowInternal={allowInternal}
            autoFocus={focusComposerOnOpen}
            handleRef={composerRef}
          />
        </Suspense>
      )}
    </section>
  );
}
