import type { Attachment } from "../../shared/api/files.js";
import { routes } from "../../shared/api/routes.js";
import type { MessagingSide } from "./messagingSide.js";

/** A file chosen in the composer: uploading, ready to send, or refused (with why). */
export type PendingFile = {
  key: string;
  name: string;
  size: number;
  /** 0..1 while uploading. */
  progress: number;
  status: "uploading" | "ready" | "refused";
  attachment?: Attachment;
  error?: string;
  abort?: () => void;
};

const withPath = (path: string, id: string) => path.replace(":attachmentId", id);

/** Where a file of a message is downloaded, on this side. */
export const attachmentUrl = (side: MessagingSide, id: string) =>
  withPath(
    side === "staff" ? routes.downloadAttachment.path : routes.downloadPortalAttachment.path,
    id,
  );

export const thumbnailUrl = (side: MessagingSide, id: string) =>
  withPath(
    side === "staff" ? routes.downloadThumbnail.path : routes.downloadPortalThumbnail.path,
    id,
  );

/** Why the server refused a file, in words for the chip beside it. */
function refusalOf(status: number, body: unknown): string {
  const message = (body as { error?: { message?: string } } | null)?.error?.message;
  if (status === 413) return "Too large";
  if (status === 400 && message) return `Not allowed: ${message}`;
  return "Upload failed";
}

/**
 * Uploads one file with XMLHttpRequest, because fetch cannot report upload progress; answers
 * the attachment, or rejects with the words to show beside the file.
 */
export function uploadAttachment(
  side: MessagingSide,
  clientId: string,
  file: File,
  onProgress: (fraction: number) => void,
): { done: Promise<Attachment>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const url =
    side === "staff"
      ? routes.uploadFile.path
      : `${routes.uploadPortalFile.path}?clientId=${encodeURIComponent(clientId)}`;
  const done = new Promise<Attachment>((resolve, reject) => {
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status === 201) resolve(body as Attachment);
      else reject(new Error(refusalOf(xhr.status, body)));
    };
    xhr.onerror = () => reject(new Error("Upload failed"));
    xhr.onabort = () => reject(new Error("Upload cancelled"));
  });
  const form = new FormData();
  form.append("file", file, file.name);
  xhr.open("POST", url);
  xhr.withCredentials = true;
  xhr.send(form);
  return { done, abort: () => xhr.abort() };
}

/** "1.2 MB" and the like. */
export function formatFileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
