import { useCallback, useState } from "react";
import { Navigate, useNavigate, useParams } from "react-router";
import type {
  Conversation,
  CreateConversationBody,
  Message,
  TeamMember,
} from "../../../shared/api/messaging.js";
import { ConversationList } from "../../messages/ConversationList.js";
import { formatUnreadCount } from "../../messages/format.js";
import {
  BackToConversations,
  useOpensFirstConversation,
  useTwoPanes,
} from "../../messages/MessagesPanes.js";
import { ThreadPane } from "../../messages/ThreadPane.js";
import { usePageTitle } from "../../ui/usePageTitle.js";
import { useClient } from "../clients.queries.js";
import { useStaffSession } from "../session.js";
import { MessagesEmptyState } from "./MessagesEmptyState.js";
import { NewDirectMessageMenu } from "./NewDirectMessageMenu.js";
import { useConversationList, useCreateConversation, useTeam } from "./staffMessages.queries.js";
import { useHighlightedMessage } from "./useHighlightedMessage.js";

const noTeam: TeamMember[] = [];

/** Who reads a conversation, said to staff above the thread. */
function audienceOf(conversation: Conversation | undefined): string {
  if (!conversation) return "";
  if (conversation.kind === "all_contacts") {
    return "Every contact with portal access can read and reply. Internal notes stay within your team.";
  }
  const name = conversation.contact?.name ?? "This contact";
  return conversation.contact?.portalStatus === "active"
    ? `Only ${name} and your team see this conversation.`
    : `Only ${name} and your team see this conversation. ${name} has no portal access yet, so they will see it once they are invited.`;
}

/**
 * Client record → Communications → Messages: conversations on the left, the thread on the right;
 * on a phone one pane at a time, the list first.
 */
export function MessagesPage() {
  const { clientId = "", conversationId } = useParams();
  useHighlightedMessage(conversationId);
  const navigate = useNavigate();
  const client = useClient(clientId);
  const list = useConversationList(clientId);
  const session = useStaffSession();
  const team = useTeam().data?.members ?? noTeam;
  const create = useCreateConversation(clientId);
  const wide = useTwoPanes();
  const opensFirst = useOpensFirstConversation();
  const clientName = client.data?.name ?? "this client";
  const staffId = session.data?.staffId;
  const isMine = useCallback(
    (author: Message["author"]) => author.kind === "staff" && author.id === staffId,
    [staffId],
  );

  const unread = list.data?.unreadTotal ?? 0;
  usePageTitle(
    `${unread > 0 ? `(${formatUnreadCount(unread)}) ` : ""}Messages · ${client.data?.name ?? "Client"}`,
  );

  const base = `/clients/${clientId}/messages`;
  // A conversation opened by creating it starts with focus in its composer.
  const [focusComposerOf, setFocusComposerOf] = useState<string | null>(null);
  const open = (conversation: Conversation) => {
    setFocusComposerOf(conversation.id);
    navigate(`${base}/${conversation.id}`);
  };
  // A failure shows through `create.error`.
  const createAndOpen = (body: CreateConversationBody) =>
    void create.mutateAsync(body).then(open, () => undefined);

  if (list.isError || session.isError) {
    return (
      <p role="alert" className="text-red-800">
        {(list.error ?? session.error)?.message}
      </p>
    );
  }
  if (!list.data || !session.data) {
    return <p className="text-sm text-slate-600">Loading conversations…</p>;
  }

  const { conversations, contactsWithoutDirect } = list.data;
  if (conversations.length === 0) {
    return (
      <MessagesEmptyState
        clientName={clientName}
        starting={create.isPending}
        error={create.error?.message ?? null}
        onStart={() => createAndOpen({ kind: "all_contacts" })}
      />
    );
  }
  if (!conversationId && opensFirst) {
    const first = conversations.find((c) => c.kind === "all_contacts") ?? conversations[0];
    return first ? <Navigate to={`${base}/${first.id}`} replace /> : null;
  }

  const selected = conversations.find((c) => c.id === conversationId);
  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-hidden rounded-lg border border-slate-200 bg-white md:flex-row">
      {(wide || !conversationId) && (
        <div className="flex min-h-0 flex-col md:w-72 md:shrink-0 md:border-r md:border-slate-200">
          <ConversationList
            conversations={conversations}
            selectedId={conversationId}
            hrefFor={(conversation) => `${base}/${conversation.id}`}
            footer={
              contactsWithoutDirect.length > 0 && (
                <NewDirectMessageMenu
                  contacts={contactsWithoutDirect}
                  busy={create.isPending}
                  error={create.error?.message ?? null}
                  onChoose={(contact) => createAndOpen({ kind: "direct", contactId: contact.id })}
                />
              )
            }
          />
        </div>
      )}
      {conversationId && (
        <ThreadPane
          key={conversationId}
          conversationId={conversationId}
          clientId={clientId}
          title={selected?.title ?? "Conversation"}
          audience={audienceOf(selected)}
          draftKey={`${session.data.staffId}.${conversationId}`}
          team={team}
          allowInternal
          isMine={isMine}
          headerStart={!wide && <BackToConversations to={base} />}
          focusComposerOnOpen={focusComposerOf === conversationId}
        />
      )}
    </div>
  );
}
