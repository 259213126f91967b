import { useInfiniteQuery } from "@tanstack/react-query";
import { Lock } from "lucide-react";
import { Link } from "react-router";
import type { ClientFilePage } from "../../shared/api/files.js";
import { call } from "../api.js";
import { Button } from "../ui/Button.js";
import { attachmentUrl, formatFileSize } from "./attachmentUpload.js";
import { formatFullDate } from "./format.js";
import { useMessagingSide } from "./messagingSide.js";

/**
 * A client's files, newest first: name, size, who sent it, when, in which conversation, with a
 * link to the conversation and a download. Staff see notes' files marked as such.
 */
export function ClientFilesList({
  clientId,
  conversationLink,
}: {
  clientId: string;
  conversationLink: (conversationId: string) => string;
}) {
  const side = useMessagingSide();
  const files = useInfiniteQuery({
    queryKey: ["clientFiles", side, clientId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }): Promise<ClientFilePage> => {
      const input = { params: { clientId }, query: pageParam ? { cursor: pageParam } : {} };
      return side === "staff"
        ? call("listClientFiles", input)
        : call("listPortalClientFiles", input);
    },
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  if (files.isError) {
    return (
      <p role="alert" className="text-red-800">
        {files.error.message}
      </p>
    );
  }
  if (!files.data) return <p className="text-slate-700">Loading files…</p>;
  const all = files.data.pages.flatMap((page) => page.files);
  if (all.length === 0) return <p className="text-slate-700">No files have been sent yet.</p>;
  return (
    <div>
      <ul aria-label="Files" className="flex flex-col divide-y divide-slate-200">
        {all.map((file) => (
          <li key={file.attachment.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 py-3">
            <span className="min-w-0 flex-1 basis-56">
              <a
                href={attachmentUrl(side, file.attachment.id)}
                download={file.attachment.name}
                className="block truncate font-medium text-blue-800 hover:underline"
              >
                {file.attachment.name}
              </a>
              <span className="text-xs text-slate-700">
                {formatFileSize(file.attachment.size)} · {file.sentBy.name} ·{" "}
                <time dateTime={file.sentAt}>{formatFullDate(file.sentAt)}</time>
              </span>
            </span>
            <span className="flex items-center gap-2 text-sm">
              {file.internal && (
                <span className="inline-flex items-center gap-1 rounded border border-dashed border-amber-600 bg-amber-50 px-1.5 text-xs text-amber-900">
                  <Lock aria-hidden size={12} /> Internal note
                </span>
              )}
              <Link
                to={conversationLink(file.conversationId)}
                className="text-blue-800 hover:underline"
              >
                {file.conversationTitle}
              </Link>
            </span>
          </li>
        ))}
      </ul>
      {files.hasNextPage && (
        <Button
          variant="secondary"
          className="mt-3"
          onClick={() => void files.fetchNextPage()}
          disabled={files.isFetchingNextPage}
        >
          {files.isFetchingNextPage ? "Loading…" : "Show older files"}
        </Button>
      )}
    </div>
  );
}
