import { Undo2, X } from "lucide-react";
import type { Attachment } from "../../shared/api/files.js";
import { formatFileSize } from "./attachmentUpload.js";

/**
 * A message's files while it is edited: each can be marked for removal and kept again until
 * Save. The one button per file changes its name in place, so keyboard focus stays on it.
 */
export function EditAttachments({
  attachments,
  removed,
  onToggle,
}: {
  attachments: Attachment[];
  removed: ReadonlySet<string>;
  onToggle: (id: string) => void;
}) {
  if (attachments.length === 0) return null;
  return (
    <ul aria-label="Files of this message" className="mt-2 flex flex-wrap gap-2">
      {attachments.map((attachment) => {
        const isRemoved = removed.has(attachment.id);
        return (
          <li
            key={attachment.id}
            className={`flex max-w-full min-w-48 items-center gap-2 rounded-md border px-2 py-1 text-sm ${
              isRemoved
                ? "border-dashed border-slate-500 bg-slate-100"
                : "border-slate-400 bg-white"
            }`}
          >
            <span className="min-w-0 flex-1">
              <span
                className={`block truncate font-medium ${isRemoved ? "text-slate-700 line-through" : "text-slate-900"}`}
              >
                {attachment.name}
              </span>
              <span className="text-xs text-slate-700">
                {isRemoved ? "Removed when you save" : formatFileSize(attachment.size)}
              </span>
            </span>
            <button
              type="button"
              onClick={() => onToggle(attachment.id)}
              aria-label={isRemoved ? `Keep ${attachment.name}` : `Remove ${attachment.name}`}
              className="inline-flex size-7 items-center justify-center rounded text-slate-800 hover:bg-slate-200"
            >
              {isRemoved ? <Undo2 aria-hidden size={14} /> : <X aria-hidden size={14} />}
            </button>
          </li>
        );
      })}
    </ul>
  );
}
