import { lazy, Suspense, useCallback, useRef } from "react";
import type { Conversation, Message, TeamMember } from "../../../shared/api/messaging.js";
import type { ComposerHandle } from "../../messages/Composer.js";
import { Thread } from "../../messages/Thread.js";

const Composer = lazy(() => import("../../messages/Composer.js"));

function describe(conversation: Conversation | undefined): string {
  if (!conversation) return "";
  if (conversation.kind === "all_contacts") {
    return "Every contact with portal access can read and reply. Internal notes stay within your team.";
  }
  const name = conversation.contact?.name ?? "This contact";
  return conversation.contact?.portalStatus === "active"
    ? `Only ${name} and your team see this conversation.`
    : `Only ${name} and your team see this conversation. ${name} has no portal access yet, so they will see it once they are invited.`;
}

/** The right-hand pane of the Messages tab: the open conversation and its composer. */
export function ThreadPane({
  conversationId,
  conversation,
  clientId,
  staffId,
  team,
  focusComposerOnOpen,
}: {
  conversationId: string;
  conversation: Conversation | undefined;
  clientId: string;
  staffId: string;
  team: TeamMember[];
  focusComposerOnOpen: boolean;
}) {
  const composerRef = useRef<ComposerHandle | null>(null);
  const focusComposer = useCallback(() => composerRef.current?.focus(), []);
  const isMine = useCallback(
    (author: Message["author"]) => author.kind === "staff" && author.id === staffId,
    [staffId],
  );

  return (
    <div className="flex min-h-0 min-w-0 flex-1 flex-col">
      <div className="border-b border-slate-200 px-4 py-3">
        <h2 className="text-base font-semibold">{conversation?.title ?? "Conversation"}</h2>
        <p className="text-xs text-slate-700">{describe(conversation)}</p>
      </div>
      <Thread
        conversationId={conversationId}
        clientId={clientId}
        team={team}
        isMine={isMine}
        onActionFinished={focusComposer}
      />
      <Suspense
        fallback={
          <div className="border-t border-slate-200 p-3 text-sm text-slate-600">
            Loading editor…
          </div>
        }
      >
        <Composer
          conversationId={conversationId}
          clientId={clientId}
          draftKey={`${staffId}.${conversationId}`}
          team={team}
          allowInternal
          autoFocus={focusComposerOnOpen}
          handleRef={composerRef}
        />
      </Suspense>
    </div>
  );
}
