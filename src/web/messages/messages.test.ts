import { QueryClient } from "@tanstack/react-query";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ConversationList, Message, MessagePage } from "../../shared/api/messaging.js";
import type { RichTextNode } from "../../shared/rich-text/document.js";
import { formatDayLabel, formatRelativeTime, formatUnreadCount, initials } from "./format.js";
import { filterTeam } from "./MentionSuggestions.js";
import {
  flattenThread,
  messagingKeys,
  noteReadReport,
  type ThreadData,
  upsertThreadMessage,
  withReportedReads,
} from "./messageHooks.js";
import { RichTextView } from "./RichTextView.js";
import { applyServerEvent } from "./useRealtimeUpdates.js";

const conversationId = "00000000-0000-4000-8000-000000000001";
const clientId = "00000000-0000-4000-8000-000000000002";

function message(seq: number, text = `Message ${seq}`, version = 1): Message {
  return {
    id: `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`,
    conversationId,
    seq,
    author: { kind: "staff", id: "00000000-0000-4000-8000-0000000000aa", name: "Ada Park" },
    internal: false,
    body: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] },
    createdAt: "2026-01-05T10:00:00.000Z",
    editedAt: version > 1 ? "2026-01-05T10:05:00.000Z" : null,
    version,
    attachments: [],
  };
}

/** A thread cache as useInfiniteQuery keeps it: newest page first. */
function threadCache(pages: MessagePage[]) {
  const queryClient = new QueryClient();
  queryClient.setQueryData<ThreadData>(messagingKeys.thread(conversationId), {
    pages,
    pageParams: pages.map((_page, index) => (index === 0 ? undefined : index)),
  });
  return queryClient;
}

const shownTexts = (queryClient: QueryClient) =>
  flattenThread(queryClient.getQueryData<ThreadData>(messagingKeys.thread(conversationId))).map(
    (m) => (m.body as RichTextNode).content?.[0]?.content?.[0]?.text,
  );

describe("live updates to a loaded thread", () => {
  it("end up showing what a fresh fetch would", () => {
    const queryClient = threadCache([
      { messages: [message(3), message(4)], hasOlder: true },
      { messages: [message(1), message(2)], hasOlder: false },
    ]);
    const data = { clientId, conversationId };
    applyServerEvent(queryClient, {
      type: "message.created",
      data: { ...data, message: message(5) },
    });
    // Our own send arrives twice: from the POST answer and as an event.
    applyServerEvent(queryClient, {
      type: "message.created",
      data: { ...data, message: message(5) },
    });
    applyServerEvent(queryClient, {
      type: "message.updated",
      data: { ...data, message: message(2, "Message 2, edited", 2) },
    });
    // An older copy arriving late does not undo the edit.
    applyServerEvent(queryClient, {
      type: "message.updated",
      data: { ...data, message: message(2) },
    });
    applyServerEvent(queryClient, {
      type: "message.deleted",
      data: { ...data, messageId: message(3).id },
    });
    expect(shownTexts(queryClient)).toEqual([
      "Message 1",
      "Message 2, edited",
      "Message 4",
      "Message 5",
    ]);
  });

  it("asks for a refetch when a message skips past one it never saw", () => {
    const queryClient = threadCache([{ messages: [message(1)], hasOlder: false }]);
    expect(upsertThreadMessage(queryClient, message(2))).toBe(true);
    expect(upsertThreadMessage(queryClient, message(4))).toBe(false);
    expect(shownTexts(queryClient)).toEqual(["Message 1", "Message 2", "Message 4"]);
  });

  it("asks for a refetch when a fetch already on its way may have been answered before the message", async () => {
    const queryClient = threadCache([{ messages: [message(1)], hasOlder: false }]);
    let answer: (data: ThreadData) => void = () => {};
    const stale = queryClient.fetchQuery({
      queryKey: messagingKeys.thread(conversationId),
      queryFn: () =>
        new Promise<ThreadData>((resolve) => {
          answer = resolve;
        }),
    });
    expect(upsertThreadMessage(queryClient, message(2))).toBe(false);
    expect(shownTexts(queryClient)).toEqual(["Message 1", "Message 2"]);
    // That answer, landing after, drops the message: only a fetch started now has it.
    answer({ pages: [{ messages: [message(1)], hasOlder: false }], pageParams: [undefined] });
    await stale;
    expect(shownTexts(queryClient)).toEqual(["Message 1"]);
  });

  it("leaves a thread that is not loaded alone", () => {
    const queryClient = new QueryClient();
    expect(upsertThreadMessage(queryClient, message(1))).toBe(false);
    expect(queryClient.getQueryData(messagingKeys.thread(conversationId))).toBeUndefined();
  });
});

describe("read reports", () => {
  const conversation = (lastSeq: number, unreadCount: number): ConversationList => ({
    conversations: [
      {
        id: "00000000-0000-4000-8000-000000000003",
        clientId,
        kind: "all_contacts",
        title: "All Contacts",
        waitingOn: null,
        contact: null,
        lastSeq,
        lastReadSeq: lastSeq - unreadCount,
        unreadCount,
        lastMessage: null,
      },
    ],
    contactsWithoutDirect: [],
    unreadTotal: unreadCount,
  });

  it("clear a badge that a list fetched before the report still shows", () => {
    const undo = noteReadReport("00000000-0000-4000-8000-000000000003", 9);
    const seen = withReportedReads(conversation(9, 2));
    expect(seen.conversations[0]?.unreadCount).toBe(0);
    expect(seen.unreadTotal).toBe(0);
    // A message after the reported one is unread again.
    expect(withReportedReads(conversation(10, 1)).unreadTotal).toBe(1);
    // A refused report stops hiding anything.
    undo();
    expect(withReportedReads(conversation(9, 2)).unreadTotal).toBe(2);
  });
});

describe("formatting", () => {
  it("caps unread counts at 99+", () => {
    expect(formatUnreadCount(3)).toBe("3");
    expect(formatUnreadCount(99)).toBe("99");
    expect(formatUnreadCount(100)).toBe("99+");
  });

  it("names days and ages the way people say them", () => {
    const now = new Date(2026, 0, 5, 9, 0).getTime();
    expect(formatDayLabel(new Date(2026, 0, 5, 0, 10).toISOString(), now)).toBe("Today");
    expect(formatDayLabel(new Date(2026, 0, 4, 23, 50).toISOString(), now)).toBe("Yesterday");
    expect(formatDayLabel(new Date(2025, 11, 1, 12).toISOString(), now)).toContain("2025");
    // The same year goes unsaid, from the other of the two kept formats.
    const friday = formatDayLabel(new Date(2026, 0, 2, 12).toISOString(), now);
    expect(friday).not.toContain("2026");
    expect(friday).toContain("2");
    expect(formatRelativeTime(new Date(now - 20_000).toISOString(), now)).toBe("just now");
    expect(formatRelativeTime(new Date(now - 5 * 60_000).toISOString(), now)).toBe("5 minutes ago");
    expect(formatRelativeTime(new Date(2026, 0, 4, 8).toISOString(), now)).toBe("yesterday");
    expect(initials("Ben Ortiz")).toBe("BO");
    expect(initials("Chloe Anne Reyes")).toBe("CR");
  });

  it("suggests team members whose name contains what was typed, word starts first", () => {
    const team = [
      { id: "1", name: "Ada Park" },
      { id: "2", name: "Ben Ortiz" },
      { id: "3", name: "Robert Bell" },
    ];
    expect(filterTeam(team, "be").map((m) => m.name)).toEqual(["Ben Ortiz", "Robert Bell"]);
    expect(filterTeam(team, "").length).toBe(3);
    expect(filterTeam(team, "zz")).toEqual([]);
  });
});

describe("message bodies", () => {
  const render = (content: RichTextNode[]) =>
    renderToStaticMarkup(createElement(RichTextView, { doc: { type: "doc", content } }));

  it("renders marks, lists, code and mentions as elements", () => {
    const html = render([
      {
        type: "paragraph",
        content: [
          { type: "text", text: "Hi " },
          { type: "mention", attrs: { id: "x", label: "Ben Ortiz" } },
          { type: "text", text: " bold", marks: [{ type: "bold" }, { type: "italic" }] },
        ],
      },
      {
        type: "orderedList",
        attrs: { start: 3 },
        content: [
          {
            type: "listItem",
            content: [{ type: "paragraph", content: [{ type: "text", text: "three" }] }],
          },
        ],
      },
      { type: "codeBlock", content: [{ type: "text", text: "a < b" }] },
    ]);
    expect(html).toContain('<span class="mention');
    expect(html).toContain("@Ben Ortiz</span>");
    expect(html).toContain("<em><strong> bold</strong></em>");
    expect(html).toContain('<ol start="3"><li><p><span>three</span></p></li></ol>');
    expect(html).toContain("<pre><code>a &lt; b</code></pre>");
  });

  it("never turns text into markup, and drops links it does not allow", () => {
    const html = render([
      {
        type: "paragraph",
        content: [
          { type: "text", text: "<img src=x onerror=alert(1)>" },
          {
            type: "text",
            text: "bad",
            marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }],
          },
          {
            type: "text",
            text: "good",
            marks: [{ type: "link", attrs: { href: "https://example.com" } }],
          },
        ],
      },
    ]);
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("javascript:");
    expect(html).toContain(
      '<a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">good</a>',
    );
  });
});
