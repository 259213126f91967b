import { Lock, Paperclip } from "lucide-react";
import { Switch } from "radix-ui";
import { type RefObject, useId, useImperativeHandle, useRef, useState } from "react";
import type { TeamMember } from "../../shared/api/messaging.js";
import {
  attachmentContentTypes,
  MAX_ATTACHMENTS_PER_MESSAGE,
} from "../../shared/files/attachment-types.js";
import type { RichTextDoc } from "../../shared/rich-text/document.js";
import { MAX_MESSAGE_TEXT_LENGTH } from "../../shared/rich-text/limits.js";
import { isRetryable } from "../api.js";
import { Button } from "../ui/Button.js";
import { keyboardLikely, useMediaQuery } from "../ui/useMediaQuery.js";
import { type PendingFile, uploadAttachment } from "./attachmentUpload.js";
import { DeferredRichTextEditor } from "./DeferredRichTextEditor.js";
import { clearDraft, loadDraft, saveDraft } from "./drafts.js";
import { LengthCount } from "./LengthCount.js";
import { useSendMessage } from "./messageHooks.js";
import { useMessagingSide } from "./messagingSide.js";
import { PendingFiles } from "./PendingFiles.js";
import type { RichTextEditorHandle } from "./RichTextEditor.js";

export type ComposerHandle = { focus: () => void };

/** What the file picker offers: every type the server accepts. */
const acceptedTypes = Object.values(attachmentContentTypes)
  .flatMap((type) => type.extensions)
  .join(",");

const sendShortcut = /Mac|iPhone|iPad/.test(navigator.userAgent) ? "⌘+Enter" : "Ctrl+Enter";

/**
 * The compose area under a thread. Loaded lazily (it brings the editor), so the thread paints
 * first. Keeps the draft per conversation, and a failed send keeps its text and its message id,
 * so Retry cannot store the message twice.
 */
export default function Composer({
  conversationId,
  clientId,
  draftKey,
  team,
  allowInternal,
  autoFocus = false,
  handleRef,
}: {
  conversationId: string;
  clientId: string;
  /** Unique per signed-in person and conversation. */
  draftKey: string;
  team: TeamMember[];
  allowInternal: boolean;
  autoFocus?: boolean;
  handleRef?: RefObject<ComposerHandle | null>;
}) {
  const [initialDraft] = useState(() => loadDraft(draftKey));
  const [internal, setInternal] = useState(allowInternal && (initialDraft?.internal ?? false));
  const [hasContent, setHasContent] = useState(false);
  const [textLength, setTextLength] = useState(0);
  const tooLong = textLength > MAX_MESSAGE_TEXT_LENGTH;
  const [error, setError] = useState<{ message: string; retryable: boolean } | null>(null);
  const pendingId = useRef(initialDraft?.messageId ?? null);
  const editorRef = useRef<RichTextEditorHandle | null>(null);
  const send = useSendMessage(conversationId, clientId);
  const hintId = useId();
  const switchId = useId();
  const side = useMessagingSide();
  // On a phone the Send button is the way to send; the shortcut is said only where a keyboard is likely.
  const showShortcut = useMediaQuery(keyboardLikely);
  const [files, setFiles] = useState<PendingFile[]>([]);
  const fileInputRef = useRef<HTMLInputElement | null>(null);
  const ready = files.flatMap((file) =>
    file.status === "ready" && file.attachment ? [{ key: file.key, id: file.attachment.id }] : [],
  );
  const readyIds = ready.map((file) => file.id);
  const uploading = files.some((file) => file.status === "uploading");

  const updateFile = (key: string, change: Partial<PendingFile>) =>
    setFiles((current) =>
      current.map((file) => (file.key === key ? { ...file, ...change } : file)),
    );

  function addFiles(chosen: Iterable<File>) {
    let kept = files.filter((file) => file.status !== "refused").length;
    const added: PendingFile[] = [];
    for (const file of chosen) {
      const key = crypto.randomUUID();
      const pending = { key, name: file.name, size: file.size, progress: 0 };
      if (kept >= MAX_ATTACHMENTS_PER_MESSAGE) {
        const error = `Not allowed: at most ${MAX_ATTACHMENTS_PER_MESSAGE} files a message`;
        added.push({ ...pending, status: "refused", error });
        continue;
      }
      kept += 1;
      const upload = uploadAttachment(side, clientId, file, (progress) =>
        updateFile(key, { progress }),
      );
      upload.done.then(
        (attachment) => updateFile(key, { status: "ready", progress: 1, attachment }),
        (failure: Error) => updateFile(key, { status: "refused", error: failure.message }),
      );
      added.push({ ...pending, status: "uploading", abort: upload.abort });
    }
    setFiles((current) => [...current, ...added]);
  }

  const removeFile = (key: string) => {
    files.find((file) => file.key === key && file.status === "uploading")?.abort?.();
    setFiles((current) => current.filter((file) => file.key !== key));
  };

  useImperativeHandle(handleRef, () => ({ focus: () => editorRef.current?.focus() }), []);

  const remember = (body: RichTextDoc, withContent: boolean, asNote = internal) => {
    if (withContent) saveDraft(draftKey, { body, internal: asNote, messageId: pendingId.current });
    else if (!pendingId.current) clearDraft(draftKey);
  };

  async function submit() {
    const editor = editorRef.current;
    if (!editor || send.isPending || uploading || tooLong) return;
    if (!editor.hasContent() && readyIds.length === 0) return;
    const body = editor.getDoc();
    const sentAsNote = internal;
    const sentFileKeys = new Set(ready.map((file) => file.key));
    pendingId.current ??= crypto.randomUUID();
    remember(body, true);
    setError(null);
    try {
      await send.mutateAsync(
        allowInternal
          ? { id: pendingId.current, body, internal, attachmentIds: readyIds }
          : { id: pendingId.current, body, attachmentIds: readyIds },
      );
    } catch (caught) {
      setError({
        message: caught instanceof Error ? caught.message : "The message could not be sent.",
        retryable: isRetryable(caught),
      });
      return;
    }
    pendingId.current = null;
    clearDraft(draftKey);
    // Refused files stay, so their reason remains visible until removed; so do files added, and a
    // note switch turned, while the message was on its way: they belong to the next one.
    setFiles((current) => current.filter((file) => !sentFileKeys.has(file.key)));
    editor.clear();
    setInternal((current) => (current === sentAsNote ? false : current));
    editor.focus();
  }

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: dropping and pasting files add to the picker button, which stays the accessible way.
    <div
      className="border-t border-slate-200 bg-white p-3"
      onDragOver={(event) => {
        if (event.dataTransfer.types.includes("Files")) event.preventDefault();
      }}
      onDrop={(event) => {
        if (event.dataTransfer.files.length === 0) return;
        event.preventDefault();
        addFiles(event.dataTransfer.files);
      }}
      onPasteCapture={(event) => {
        if (event.clipboardData.files.length === 0) return;
        event.preventDefault();
        event.stopPropagation();
        addFiles(event.clipboardData.files);
      }}
    >
      {internal && (
        <p className="mb-2 flex items-center gap-1.5 text-xs font-medium text-amber-900">
          <Lock aria-hidden size={14} /> Internal note: only your team will see this.
        </p>
      )}
      <PendingFiles files={files} onRemove={removeFile} />
      <DeferredRichTextEditor
        // Staff write all day and expect every shortcut from the first key; contacts mostly read,
        // often on a phone, so theirs is built on first use. A draft needs the editor to show.
        eager={side === "staff" || initialDraft !== null}
        label="Message"
        handleRef={editorRef}
        initialContent={initialDraft?.body}
        team={team}
        autoFocus={autoFocus}
        describedBy={showShortcut ? hintId : undefined}
        className={internal ? "border-amber-600 bg-amber-50" : "border-slate-400 bg-white"}
        onChange={(body, withContent, length) => {
          setHasContent(withContent);
          setTextLength(length);
          remember(body, withContent);
        }}
        onSubmit={() => void submit()}
      />
      {error && (
        <div
          role="alert"
          className="mt-2 flex items-center justify-between gap-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          <span>Not sent: {error.message}</span>
          {error.retryable && (
            <Button variant="secondary" onClick={() => void submit()} disabled={send.isPending}>
              Retry
            </Button>
          )}
        </div>
      )}
      <LengthCount length={textLength} />
      <div className="mt-2 flex flex-wrap items-center justify-between gap-3">
        {allowInternal ? (
          <div className="flex items-center gap-2">
            <Switch.Root
              id={switchId}
              checked={internal}
              onCheckedChange={(checked) => {
                setInternal(checked);
                const editor = editorRef.current;
                if (editor) remember(editor.getDoc(), editor.hasContent(), checked);
              }}
              className="relative h-5 w-9 shrink-0 rounded-full border border-slate-500 bg-slate-200 data-[state=checked]:border-amber-700 data-[state=checked]:bg-amber-600"
            >
              <Switch.Thumb className="block size-4 translate-x-0.5 rounded-full bg-white shadow ring-1 ring-slate-500 transition-transform data-[state=checked]:translate-x-4 data-[state=checked]:ring-amber-700" />
            </Switch.Root>
            <label htmlFor={switchId} className="text-sm text-slate-800">
              Internal note
            </label>
          </div>
        ) : (
          <span />
        )}
        <div className="flex items-center gap-3">
          <input
            ref={fileInputRef}
            type="file"
            multiple
            accept={acceptedTypes}
            className="sr-only"
            tabIndex={-1}
            aria-hidden
            onChange={(event) => {
              if (event.target.files) addFiles(event.target.files);
              event.target.value = "";
            }}
          />
          <Button
            variant="secondary"
            aria-label="Attach files"
            title="Attach files"
            onClick={() => fileInputRef.current?.click()}
          >
            <Paperclip aria-hidden size={16} />
          </Button>
          {showShortcut && (
            <span id={hintId} className="text-xs text-slate-600">
              {sendShortcut} to send
            </span>
          )}
          <Button
            onClick={() => void submit()}
            disabled={
              (!hasContent && readyIds.length === 0) || send.isPending || uploading || tooLong
            }
          >
            {send.isPaused
              ? "Waiting for connection"
              : send.isPending
                ? "Sending…"
                : uploading
                  ? "Uploading…"
                  : "Send"}
          </Button>
        </div>
      </div>
    </div>
  );
}
