import { createServer } from "node:http";
import { WebSocketServer } from "ws";
import { serveCalls } from "../lib/rpc.js";

/**
 * The fan-out baseline: a bare `ws` server (no permessage-deflate, as Portico) that broadcasts
 * whatever is POSTed to it to every connected client, in its own process like the real server.
 */
const server = createServer((request, response) => {
  let payload = "";
  request.on("data", (chunk) => {
    payload += chunk;
  });
  request.on("end", () => {
    for (const client of sockets.clients) client.send(payload);
    response.end("sent");
  });
});
const sockets = new WebSocketServer({ server, perMessageDeflate: false });

serveCalls({
  listen: () =>
    new Promise<number>((resolve) =>
      server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
    ),
});
