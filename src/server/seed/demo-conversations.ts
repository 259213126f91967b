import type { RichTextDoc, RichTextNode } from "../../shared/rich-text/document.js";
import type { Transaction } from "../db/connect.js";
import { conversations, mentions, messages, readCursors } from "../db/schema.js";
import { messagePlainText } from "../messaging/message-body.js";

export type DemoPeople = {
  staff: Map<string, { id: string; name: string }>;
  contacts: Map<string, { id: string; firmId: string; clientId: string; name: string }>;
  clients: Map<string, { id: string; firmId: string }>;
};

type DemoMessage = {
  from: string;
  internal?: boolean;
  minutesAgo: number;
  content: RichTextNode[];
};

const text = (value: string, marks?: string[]): RichTextNode =>
  marks
    ? { type: "text", text: value, marks: marks.map((type) => ({ type })) }
    : { type: "text", text: value };
const paragraph = (...content: RichTextNode[]): RichTextNode => ({ type: "paragraph", content });

/**
 * Globex Ltd gets a lived-in All Contacts thread (with a note and a mention) and a direct
 * thread with Gus; Acme Bakery stays empty so the empty state can be seen in the demo.
 */
export async function seedDemoConversations(tx: Transaction, people: DemoPeople) {
  const globex = people.clients.get("Globex Ltd");
  const gus = people.contacts.get("gus@globex.test");
  const ben = people.staff.get("ben@northwind.test");
  if (!globex || !gus || !ben) throw new Error("demo people missing");

  const mentionBen: RichTextNode = {
    type: "mention",
    attrs: { id: ben.id, label: ben.name, mentionSuggestionChar: "@" },
  };
  const allContacts: DemoMessage[] = [
    {
      from: "ada@northwind.test",
      minutesAgo: 60 * 26,
      content: [
        paragraph(
          text("Hi Gus, welcome to your Globex portal. We'll share year-end updates here."),
        ),
      ],
    },
    {
      from: "gus@globex.test",
      minutesAgo: 60 * 25,
      content: [
        paragraph(
          text("Thanks Ada! When do you need the "),
          text("Q4 receipts", ["bold"]),
          text("?"),
        ),
      ],
    },
    {
      from: "ben@northwind.test",
      minutesAgo: 60 * 3,
      content: [
        paragraph(text("By the 15th, please. A scan or a photo of each is fine.")),
        {
          type: "bulletList",
          content: [
            { type: "listItem", content: [paragraph(text("Fuel and travel"))] },
            { type: "listItem", content: [paragraph(text("Office supplies"))] },
          ],
        },
      ],
    },
    {
      from: "ada@northwind.test",
      internal: true,
      minutesAgo: 60 * 2,
      content: [
        paragraph(
          mentionBen,
          text(" Globex missed the deadline last year; let's send a reminder on the 10th."),
        ),
      ],
    },
    {
      from: "gus@globex.test",
      minutesAgo: 30,
      content: [paragraph(text("Will do, I'll upload them this week."))],
    },
  ];
  const direct: DemoMessage[] = [
    {
      from: "ada@northwind.test",
      minutesAgo: 45,
      content: [
        paragraph(
          text("Gus, a quick private question about the payroll figures when you have a minute."),
        ),
      ],
    },
  ];

  await insertThread(
    tx,
    people,
    { clientId: globex.id, firmId: globex.firmId, contactId: null },
    allContacts,
  );
  await insertThread(
    tx,
    people,
    { clientId: globex.id, firmId: globex.firmId, contactId: gus.id },
    direct,
  );
}

async function insertThread(
  tx: Transaction,
  people: DemoPeople,
  thread: { clientId: string; firmId: string; contactId: string | null },
  script: DemoMessage[],
) {
  const publicScript = script.filter((message) => !message.internal);
  // A thread waits on the side that did not write its newest public message.
  const lastPublicAuthor = publicScript.at(-1)?.from;
  const waitingOn =
    lastPublicAuthor === undefined ? null : people.staff.has(lastPublicAuthor) ? "client" : "us";
  const [conversation] = await tx
    .insert(conversations)
    .values({
      firmId: thread.firmId,
      clientId: thread.clientId,
      kind: thread.contactId ? "direct" : "all_contacts",
      contactId: thread.contactId,
      lastSeq: script.length,
      lastPublicSeq: publicScript.length,
      waitingOn,
      lastMessageAt: new Date(Date.now() - (script.at(-1)?.minutesAgo ?? 0) * 60_000),
    })
    .returning();
  if (!conversation) throw new Error("conversation insert returned no row");

  let publicSeq = 0;
  // Writing a message reads the thread up to it, as it does in the app.
  const readUpTo = new Map<string, { readerKind: "staff" | "contact"; lastReadSeq: number }>();
  for (const [index, message] of script.entries()) {
    const staffAuthor = people.staff.get(message.from);
    const contactAuthor = people.contacts.get(message.from);
    const body: RichTextDoc = { type: "doc", content: message.content };
    const id = crypto.randomUUID();
    await tx.insert(messages).values({
      id,
      firmId: thread.firmId,
      conversationId: conversation.id,
      seq: index + 1,
      publicSeq: message.internal ? null : ++publicSeq,
      authorKind: staffAuthor ? "staff" : "contact",
      authorStaffId: staffAuthor?.id ?? null,
      authorContactId: staffAuthor ? null : (contactAuthor?.id ?? null),
      internal: message.internal ?? false,
      body,
      bodyText: messagePlainText(body),
      createdAt: new Date(Date.now() - message.minutesAgo * 60_000),
    });
    if (staffAuthor) readUpTo.set(staffAuthor.id, { readerKind: "staff", lastReadSeq: index + 1 });
    if (contactAuthor && !staffAuthor) {
      readUpTo.set(contactAuthor.id, { readerKind: "contact", lastReadSeq: publicSeq });
    }
    const mentioned = message.content
      .flatMap((node) => node.content ?? [])
      .filter((node) => node.type === "mention")
      .map((node) => String(node.attrs?.id));
    for (const staffId of mentioned) {
      await tx.insert(mentions).values({ firmId: thread.firmId, messageId: id, staffId });
    }
  }
  for (const [readerId, { readerKind, lastReadSeq }] of readUpTo) {
    await tx.insert(readCursors).values({
      firmId: thread.firmId,
      conversationId: conversation.id,
      readerKind,
      readerId,
      lastReadSeq,
    });
  }
}
