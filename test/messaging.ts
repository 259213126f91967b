import { expect } from "vitest";
import type {
  Conversation,
  ConversationList,
  CreateConversationBody,
  Message,
  MessagePage,
} from "../src/shared/api/messaging.js";
import type { RichTextDoc, RichTextNode } from "../src/shared/rich-text/document.js";
import type { TestApp } from "./app.js";

// --- Message bodies, as the editor writes them ---

export const text = (value: string, marks?: RichTextNode["marks"]): RichTextNode =>
  marks ? { type: "text", text: value, marks } : { type: "text", text: value };

export const paragraph = (...content: RichTextNode[]): RichTextNode =>
  content.length > 0 ? { type: "paragraph", content } : { type: "paragraph" };

export const docOf = (...blocks: RichTextNode[]): RichTextDoc => ({ type: "doc", content: blocks });

/** A one-paragraph document with plain text. */
export const textDoc = (value: string): RichTextDoc => docOf(paragraph(text(value)));

export const mention = (id: string | null, label = "Somebody Else"): RichTextNode => ({
  type: "mention",
  attrs: { id, label },
});

export const link = (href: string) => ({ type: "link", attrs: { href } });

/** The text of a message body, mentions as "@label", paragraphs joined by newlines. */
export function plainText(body: RichTextNode): string {
  const inline = (node: RichTextNode): string => {
    if (node.type === "text") return node.text ?? "";
    if (node.type === "mention") return `@${String(node.attrs?.label ?? "")}`;
    return (node.content ?? []).map(inline).join("");
  };
  return (body.content ?? []).map(inline).join("\n");
}

/** Every node of a document, depth first. */
export function nodesOf(node: RichTextNode): RichTextNode[] {
  return [node, ...(node.content ?? []).flatMap(nodesOf)];
}

// --- The messaging API, one client for both sides ---

export const conversationsUrl = (clientId: string) => `/api/clients/${clientId}/conversations`;
export const messagesUrl = (conversationId: string) =>
  `/api/conversations/${conversationId}/messages`;
export const messageUrl = (messageId: string) => `/api/messages/${messageId}`;
export const readUrl = (conversationId: string) => `/api/conversations/${conversationId}/read`;

export const portalConversationsUrl = (clientId: string) =>
  `/api/portal/clients/${clientId}/conversations`;
export const portalMessagesUrl = (conversationId: string) =>
  `/api/portal/conversations/${conversationId}/messages`;
export const portalMessageUrl = (messageId: string) => `/api/portal/messages/${messageId}`;
export const portalReadUrl = (conversationId: string) =>
  `/api/portal/conversations/${conversationId}/read`;

/** Which side's endpoints a client calls: staff, or a contact in the portal. */
export type MessagingSide = "staff" | "contact";

const urlsFor = {
  staff: { conversationsUrl, messagesUrl, messageUrl, readUrl },
  contact: {
    conversationsUrl: portalConversationsUrl,
    messagesUrl: portalMessagesUrl,
    messageUrl: portalMessageUrl,
    readUrl: portalReadUrl,
  },
};

/**
 * The messaging API as one side calls it, with the same verbs for staff and contacts. The
 * verbs named after a thing assert success and answer the thing; `…Response`, `postMessage`,
 * `editMessage`, `deleteMessage` and `markRead` answer the raw response, for tests of refusals.
 * Starting conversations is for staff only.
 */
export function messagingApi(t: TestApp, side: MessagingSide = "staff") {
  const urls = urlsFor[side];

  const listConversationsResponse = (clientId: string, cookie?: string) =>
    t.request({ method: "GET", url: urls.conversationsUrl(clientId), cookie });

  /** The client's conversation list as `cookie` sees it (asserts 200). */
  const listConversations = async (clientId: string, cookie: string) => {
    const response = await listConversationsResponse(clientId, cookie);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as ConversationList;
  };

  /** One conversation's row in the list as `cookie` sees it. */
  const conversationRow = async (
    conversation: { id: string; clientId: string },
    cookie: string,
  ): Promise<Conversation> => {
    const list = await listConversations(conversation.clientId, cookie);
    const found = list.conversations.find((row) => row.id === conversation.id);
    if (!found) throw new Error(`conversation ${conversation.id} is not in the list`);
    return found;
  };

  const startConversation = (clientId: string, body: unknown, cookie?: string) =>
    t.request({ method: "POST", url: conversationsUrl(clientId), payload: body as object, cookie });

  /** Starts (or opens) a conversation as staff and returns it (asserts 200 or 201). */
  const openConversation = async (
    clientId: string,
    body: CreateConversationBody,
    cookie: string,
  ): Promise<Conversation> => {
    const response = await startConversation(clientId, body, cookie);
    expect([200, 201], response.body).toContain(response.statusCode);
    return response.json();
  };

  const postMessage = (conversationId: string, payload: unknown, cookie?: string) =>
    t.request({
      method: "POST",
      url: urls.messagesUrl(conversationId),
      payload: payload as object,
      cookie,
    });

  /** Sends a message (a string becomes a one-paragraph document) and returns it (asserts 201). */
  const send = async (
    conversationId: string,
    body: string | RichTextDoc,
    cookie: string,
    options: { id?: string; internal?: boolean; attachmentIds?: string[] } = {},
  ): Promise<Message> => {
    const response = await postMessage(
      conversationId,
      {
        id: options.id ?? crypto.randomUUID(),
        body: typeof body === "string" ? textDoc(body) : body,
        ...(options.internal === undefined ? {} : { internal: options.internal }),
        ...(options.attachmentIds ? { attachmentIds: options.attachmentIds } : {}),
      },
      cookie,
    );
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  const listMessagesResponse = (
    conversationId: string,
    cookie?: string,
    query?: Record<string, string>,
  ) => t.request({ method: "GET", url: urls.messagesUrl(conversationId), query, cookie });

  /** A page of messages (asserts 200). */
  const listMessages = async (
    conversationId: string,
    cookie: string,
    query: Record<string, string> = {},
  ): Promise<MessagePage> => {
    const response = await listMessagesResponse(conversationId, cookie, query);
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };

  const editMessage = (messageId: string, payload: unknown, cookie?: string) =>
    t.request({
      method: "PATCH",
      url: urls.messageUrl(messageId),
      payload: payload as object,
      cookie,
    });

  const deleteMessage = (messageId: string, cookie?: string) =>
    t.request({ method: "DELETE", url: urls.messageUrl(messageId), cookie });

  const markRead = (conversationId: string, seq: number, cookie?: string) =>
    t.request({ method: "POST", url: urls.readUrl(conversationId), payload: { seq }, cookie });

  return {
    listConversationsResponse,
    listConversations,
    conversationRow,
    startConversation,
    openConversation,
    postMessage,
    send,
    listMessagesResponse,
    listMessages,
    editMessage,
    deleteMessage,
    markRead,
  };
}
