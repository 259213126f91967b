import { Download, File, FileImage, FileSpreadsheet, FileText } from "lucide-react";
import { Dialog as RadixDialog } from "radix-ui";
import { useState } from "react";
import type { Attachment } from "../../shared/api/files.js";
import { previewableImageTypes } from "../../shared/files/attachment-types.js";
import { attachmentUrl, formatFileSize, thumbnailUrl } from "./attachmentUpload.js";
import { useMessagingSide } from "./messagingSide.js";

function TypeIcon({ contentType }: { contentType: string }) {
  if (contentType.startsWith("image/")) return <FileImage aria-hidden size={20} />;
  if (contentType === "application/pdf" || contentType.startsWith("text/plain"))
    return <FileText aria-hidden size={20} />;
  if (/spreadsheet|excel|csv/.test(contentType)) return <FileSpreadsheet aria-hidden size={20} />;
  return <File aria-hidden size={20} />;
}

/** An image's thumbnail that opens the full image in a dialog (Esc closes it). */
function ImagePreview({ attachment }: { attachment: Attachment }) {
  const side = useMessagingSide();
  const [open, setOpen] = useState(false);
  return (
    <RadixDialog.Root open={open} onOpenChange={setOpen}>
      <RadixDialog.Trigger
        className="block overflow-hidden rounded border border-slate-300 focus-visible:outline-2 focus-visible:outline-blue-700"
        aria-label={`View ${attachment.name}`}
      >
        <img
          src={thumbnailUrl(side, attachment.id)}
          alt=""
          className="max-h-40 max-w-full object-contain"
          loading="lazy"
        />
      </RadixDialog.Trigger>
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-50 bg-slate-900/70" />
        <RadixDialog.Content
          aria-describedby={undefined}
          className="fixed top-1/2 left-1/2 z-50 flex max-h-[calc(100vh-2rem)] w-[min(60rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 flex-col gap-3 rounded-lg bg-white p-4 shadow-xl"
        >
          <div className="flex items-center justify-between gap-3">
            <RadixDialog.Title className="truncate text-base font-semibold">
              {attachment.name}
            </RadixDialog.Title>
            <RadixDialog.Close className="rounded-md border border-slate-400 px-3 py-1 text-sm text-slate-900 hover:bg-slate-100">
              Close
            </RadixDialog.Close>
          </div>
          <img
            src={attachmentUrl(side, attachment.id)}
            alt={attachment.name}
            className="min-h-0 flex-1 object-contain"
          />
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

/** A message's files: a card each (type, name, size, download), images with a thumbnail. */
export function AttachmentList({ attachments }: { attachments: Attachment[] }) {
  const side = useMessagingSide();
  if (attachments.length === 0) return null;
  return (
    <ul aria-label="Attachments" className="mt-2 flex flex-wrap gap-2">
      {attachments.map((attachment) => (
        <li
          key={attachment.id}
          className="flex w-full max-w-xs flex-col gap-2 rounded-md border border-slate-300 bg-white p-2 text-sm"
        >
          {attachment.hasThumbnail && previewableImageTypes.includes(attachment.contentType) && (
            <ImagePreview attachment={attachment} />
          )}
          <div className="flex items-center gap-2">
            <span className="text-slate-700">
              <TypeIcon contentType={attachment.contentType} />
            </span>
            <span className="min-w-0 flex-1">
              <span className="block truncate font-medium text-slate-900">{attachment.name}</span>
              <span className="text-xs text-slate-600">{formatFileSize(attachment.size)}</span>
            </span>
            <a
              href={attachmentUrl(side, attachment.id)}
              download={attachment.name}
              aria-label={`Download ${attachment.name}`}
              className="inline-flex size-8 items-center justify-center rounded-md border border-slate-400 text-slate-900 hover:bg-slate-100"
            >
              <Download aria-hidden size={16} />
            </a>
          </div>
        </li>
      ))}
    </ul>
  );
}
