import { useCallback, useEffect, useState } from "react";
import { Navigate, useParams } from "react-router";
import type { Message, TeamMember } from "../../shared/api/messaging.js";
import { ConversationList } from "../messages/ConversationList.js";
import { formatUnreadCount } from "../messages/format.js";
import {
  BackToConversations,
  useOpensFirstConversation,
  useTwoPanes,
} from "../messages/MessagesPanes.js";
import { ThreadPane } from "../messages/ThreadPane.js";
import { usePageTitle } from "../ui/usePageTitle.js";
import { MessageFirmButton } from "./MessageFirmButton.js";
import { usePortalConversations, usePortalSession } from "./portal.queries.js";
import { membersLine } from "./threadMembers.js";

const noMentions: TeamMember[] = [];

/**
 * The contact's Messages: the client's All Contacts thread and their own direct thread. On a
 * phone it is one pane at a time: the list, then the thread with a way back.
 */
export function PortalMessagesPage() {
  const { clientId = "", conversationId } = useParams();
  const session = usePortalSession();
  const list = usePortalConversations(clientId);
  const wide = useTwoPanes();
  const opensFirst = useOpensFirstConversation();
  const link = session.data?.clients.find((client) => client.clientId === clientId);
  const unread = list.data?.unreadTotal ?? 0;
  usePageTitle(
    `${unread > 0 ? `(${formatUnreadCount(unread)}) ` : ""}Messages · ${link?.firmName ?? "Portal"}`,
  );

  // A conversation that appears while the contact looks at the empty state is not opened for
  // them (nor marked read): it shows in the list with its unread badge, for them to open.
  const [emptySeenFor, setEmptySeenFor] = useState<string | null>(null);
  const isEmpty = list.data?.conversations.length === 0;
  useEffect(() => {
    if (isEmpty) setEmptySeenFor(clientId);
  }, [isEmpty, clientId]);

  const isMine = useCallback(
    (author: Message["author"]) => author.kind === "contact" && author.id === link?.contactId,
    [link?.contactId],
  );

  if (session.data && !link) return <Navigate to="/portal" replace />;
  if (list.isError) {
    return (
      <p role="alert" className="p-6 text-red-800">
        {list.error.message}
      </p>
    );
  }
  if (!list.data || !link) return <p className="p-6 text-sm text-slate-700">Loading messages…</p>;

  const { conversations } = list.data;
  const base = `/portal/clients/${clientId}`;
  if (conversations.length === 0) {
    return (
      <main className="mx-auto max-w-lg p-6">
        <h1 className="text-xl font-semibold">Messages</h1>
        <p className="mt-2 text-slate-800">
          {link.firmName} has not started a conversation with you yet. When they do, it appears here
          and you can reply.
        </p>
        <MessageFirmButton clientId={clientId} firmName={link.firmName} className="mt-4" />
      </main>
    );
  }
  const selected = conversations.find((conversation) => conversation.id === conversationId);
  if (!selected && opensFirst && emptySeenFor !== clientId) {
    const first = conversations[0];
    return first ? <Navigate to={`${base}/${first.id}`} replace /> : null;
  }

  return (
    <main className="flex min-h-0 flex-1 flex-col md:flex-row">
      <h1 className="sr-only">Messages with {link.firmName}</h1>
      {(wide || !selected) && (
        <div className="flex min-h-0 shrink-0 flex-col border-slate-200 bg-white md:w-72 md:border-r">
          <ConversationList
            conversations={conversations}
            selectedId={selected?.id}
            hrefFor={(conversation) => `${base}/${conversation.id}`}
            footer={
              !conversations.some((conversation) => conversation.kind === "direct") && (
                <MessageFirmButton
                  clientId={clientId}
                  firmName={link.firmName}
                  className="border-t border-slate-200 p-2"
                />
              )
            }
          />
        </div>
      )}
      {!selected && wide && (
        <p className="flex flex-1 items-center justify-center bg-white p-6 text-sm text-slate-700">
          Choose a conversation to read it.
        </p>
      )}
      {selected && (
        <ThreadPane
          key={selected.id}
          conversationId={selected.id}
          clientId={clientId}
          title={selected.title}
          audience={
            selected.kind === "all_contacts"
              ? `${membersLine(selected.members ?? [link.firmName])}.`
              : `Only you and ${link.firmName}.`
          }
          headerStart={!wide && <BackToConversations to={base} />}
          draftKey={`contact.${link.contactId}.${selected.id}`}
          team={noMentions}
          allowInternal={false}
          isMine={isMine}
        />
      )}
    </main>
  );
}
