import { X } from "lucide-react";
import { formatFileSize, type PendingFile } from "./attachmentUpload.js";

/** The composer's chosen files: name, size, upload progress or why one was refused. */
export function PendingFiles({
  files,
  onRemove,
}: {
  files: PendingFile[];
  onRemove: (key: string) => void;
}) {
  if (files.length === 0) return null;
  return (
    <ul aria-label="Files to send" className="mb-2 flex flex-wrap gap-2">
      {files.map((file) => (
        <li
          key={file.key}
          className={`flex max-w-full min-w-48 items-center gap-2 rounded-md border px-2 py-1 text-sm ${
            file.status === "refused" ? "border-red-700 bg-red-50" : "border-slate-400 bg-slate-50"
          }`}
        >
          <span className="min-w-0 flex-1">
            <span className="block truncate font-medium text-slate-900">{file.name}</span>
            <span className="text-xs text-slate-700">{formatFileSize(file.size)}</span>
            {file.status === "uploading" && (
              <progress
                className="block h-1.5 w-full"
                max={1}
                value={file.progress}
                aria-label={`Uploading ${file.name}`}
              />
            )}
            {file.status === "refused" && (
              <span className="block text-xs text-red-800">{file.error}</span>
            )}
          </span>
          <button
            type="button"
            onClick={() => onRemove(file.key)}
            aria-label={`Remove ${file.name}`}
            className="inline-flex size-7 items-center justify-center rounded text-slate-800 hover:bg-slate-200"
          >
            <X aria-hidden size={14} />
          </button>
        </li>
      ))}
    </ul>
  );
}
