// Compile-time proof that the web client is typed by the API contract: `npm run typecheck` fails
// when any line below marked `@ts-expect-error` compiles, that is, when a misuse goes unnoticed.
// Nothing imports this file, so it never reaches the bundle.
import { call } from "./api.js";

const conversationId = "00000000-0000-4000-8000-000000000001";
const body = { type: "doc" as const, content: [] };

export async function misusesTheCompilerCatches() {
  const { clients } = await call("listClients", { query: { q: "acme" } });
  const name: string | undefined = clients[0]?.name;
  // @ts-expect-error A client summary has no e-mail address.
  const email = clients[0]?.email;
  // @ts-expect-error The number of contacts is a number.
  const contactCount: string | undefined = clients[0]?.contactCount;

  const message = await call("sendMessage", {
    params: { conversationId },
    body: { id: conversationId, body, internal: true },
  });
  const seq: number = message.seq;
  // @ts-expect-error A message's author is an object, not a name.
  const author: string = message.author;

  await call("sendPortalMessage", {
    params: { conversationId },
    // @ts-expect-error A contact's send cannot carry the internal-note flag.
    body: { id: "x", body, internal: true },
  });
  // @ts-expect-error The path needs the client's id.
  await call("getClient", { params: {} });
  // @ts-expect-error The body of a new client needs its name.
  await call("createClient", { body: {} });
  // @ts-expect-error There is no such endpoint.
  await call("listInvoices");

  // A 204 answers nothing.
  const deleted: null = await call("deleteMessage", { params: { messageId: conversationId } });
  return { name, email, contactCount, seq, author, deleted };
}
