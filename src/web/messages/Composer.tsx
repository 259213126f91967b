import { Lock } from "lucide-react";
import { Switch } from "radix-ui";
import { type RefObject, useId, useImperativeHandle, useRef, useState } from "react";
import type { TeamMember } from "../../shared/api/messaging.js";
import type { RichTextDoc } from "../../shared/rich-text/document.js";
import { Button } from "../ui/Button.js";
import { clearDraft, loadDraft, saveDraft } from "./drafts.js";
import { useSendMessage } from "./messageHooks.js";
import { RichTextEditor, type RichTextEditorHandle } from "./RichTextEditor.js";

export type ComposerHandle = { focus: () => void };

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
  const [error, setError] = useState<string | null>(null);
  const pendingId = useRef(initialDraft?.messageId ?? null);
  const editorRef = useRef<RichTextEditorHandle | null>(null);
  const send = useSendMessage(conversationId, clientId);
  const hintId = useId();
  const switchId = useId();

  useImperativeHandle(handleRef, () => ({ focus: () => editorRef.current?.focus() }), []);

  const remember = (body: RichTextDoc, withContent: boolean, asNote = internal) => {
    if (withContent) saveDraft(draftKey, { body, internal: asNote, messageId: pendingId.current });
    else if (!pendingId.current) clearDraft(draftKey);
  };

  async function submit() {
    const editor = editorRef.current;
    if (!editor?.hasContent() || send.isPending) return;
    const body = editor.getDoc();
    pendingId.current ??= crypto.randomUUID();
    remember(body, true);
    setError(null);
    try {
      await send.mutateAsync(
        allowInternal ? { id: pendingId.current, body, internal } : { id: pendingId.current, body },
      );
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : "The message could not be sent.");
      return;
    }
    pendingId.current = null;
    clearDraft(draftKey);
    editor.clear();
    setInternal(false);
    editor.focus();
  }

  return (
    <div className="border-t border-slate-200 bg-white p-3">
      {internal && (
        <p className="mb-2 flex items-center gap-1.5 text-xs font-medium text-amber-900">
          <Lock aria-hidden size={14} /> Internal note: only your team will see this.
        </p>
      )}
      <RichTextEditor
        label="Message"
        handleRef={editorRef}
        initialContent={initialDraft?.body}
        team={team}
        autoFocus={autoFocus}
        describedBy={hintId}
        className={internal ? "border-amber-600 bg-amber-50" : "border-slate-400 bg-white"}
        onChange={(body, withContent) => {
          setHasContent(withContent);
          remember(body, withContent);
        }}
        onSubmit={() => void submit()}
      />
      {error && (
        <div
          role="alert"
          className="mt-2 flex items-center justify-between gap-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          <span>Not sent: {error}</span>
          <Button variant="secondary" onClick={() => void submit()} disabled={send.isPending}>
            Retry
          </Button>
        </div>
      )}
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
          <span id={hintId} className="text-xs text-slate-600">
            {sendShortcut} to send
          </span>
          <Button onClick={() => void submit()} disabled={!hasContent || send.isPending}>
            {send.isPending ? "Sending…" : "Send"}
          </Button>
        </div>
      </div>
    </div>
  );
}
