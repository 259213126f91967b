import { Lock } from "lucide-react";
import { useEffect, useRef, useState } from "react";
import type { Message, TeamMember } from "../../shared/api/messaging.js";
import { ApiRequestError } from "../api.js";
import { Button } from "../ui/Button.js";
import { ConfirmDialog } from "../ui/ConfirmDialog.js";
import { EditAttachments } from "./EditAttachments.js";
import { useEditMessage } from "./messageHooks.js";
import { RichTextEditor, type RichTextEditorHandle } from "./RichTextEditor.js";

/**
 * Edits one of your own messages in place: its text, and which of its files stay. Saves with the
 * version it started from, so a change made elsewhere in the meantime is reported instead of
 * silently overwritten. Escape leaves at once when nothing changed, and asks first when it would
 * throw changes away.
 */
export default function MessageEditForm({
  message,
  clientId,
  team,
  onDone,
}: {
  message: Message;
  clientId: string;
  team: TeamMember[];
  onDone: () => void;
}) {
  const editorRef = useRef<RichTextEditorHandle | null>(null);
  const [hasContent, setHasContent] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [removed, setRemoved] = useState<ReadonlySet<string>>(new Set());
  const edit = useEditMessage(message, clientId);
  // Live updates replace `message` while the editor is open; saving must still name the version
  // the text was based on. Only after the conflict was shown does a save replace the latest.
  const basedOn = useRef(message.version);
  const conflictShown = useRef(false);
  const [confirmingDiscard, setConfirmingDiscard] = useState(false);
  const discardChosen = useRef(false);
  const formRef = useRef<HTMLDivElement | null>(null);
  // The editor takes focus itself; its toolbar and buttons should be in sight too, below the
  // sticky day heading (scroll-margin).
  useEffect(() => {
    formRef.current?.scrollIntoView({ block: "nearest" });
  }, []);

  // The editor reports its starting content first; any later different content is a change.
  const startingContent = useRef<string | null>(null);
  const changed = useRef(false);
  const leaveOnEscape = () => {
    if (changed.current || removed.size > 0) setConfirmingDiscard(true);
    else onDone();
  };

  // Only files still on the message can be removed; one taken off elsewhere is simply gone.
  const removeAttachmentIds = message.attachments
    .filter((file) => removed.has(file.id))
    .map((file) => file.id);
  const keepsFiles = message.attachments.length > removeAttachmentIds.length;
  const canSave = hasContent || keepsFiles;

  const toggleRemoved = (id: string) =>
    setRemoved((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  async function save() {
    const editor = editorRef.current;
    if (!editor || !(editor.hasContent() || keepsFiles) || edit.isPending) return;
    setError(null);
    const version = conflictShown.current ? message.version : basedOn.current;
    try {
      await edit.mutateAsync({ body: editor.getDoc(), version, removeAttachmentIds });
      onDone();
    } catch (caught) {
      const stale = caught instanceof ApiRequestError && caught.code === "stale_version";
      conflictShown.current = stale;
      setError(
        stale
          ? "This message was changed elsewhere. Save again to replace that version with your text, or cancel to keep it."
          : caught instanceof Error
            ? caught.message
            : "The message could not be saved.",
      );
    }
  }

  return (
    <div
      ref={formRef}
      className={`mt-1 scroll-mt-10 ${
        message.internal
          ? "rounded-md border-2 border-dashed border-amber-500 bg-amber-50 px-3 py-2"
          : ""
      }`}
    >
      {message.internal && (
        <p className="mb-1 flex items-center gap-1 text-xs font-semibold text-amber-900">
          <Lock aria-hidden size={12} /> Internal note
        </p>
      )}
      <RichTextEditor
        label="Edit message"
        handleRef={editorRef}
        initialContent={message.body}
        team={team}
        autoFocus
        className={message.internal ? "border-amber-600 bg-amber-50" : "border-slate-400 bg-white"}
        onChange={(body, withContent) => {
          const content = JSON.stringify(body);
          startingContent.current ??= content;
          changed.current = content !== startingContent.current;
          setHasContent(withContent);
        }}
        onSubmit={() => void save()}
        onEscape={leaveOnEscape}
      />
      <EditAttachments
        attachments={message.attachments}
        removed={removed}
        onToggle={toggleRemoved}
      />
      {error && (
        <p role="alert" className="mt-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </p>
      )}
      <div className="mt-2 flex justify-end gap-2">
        <Button variant="secondary" onClick={onDone}>
          Cancel
        </Button>
        <Button onClick={() => void save()} disabled={!canSave || edit.isPending}>
          Save
        </Button>
      </div>
      <ConfirmDialog
        open={confirmingDiscard}
        onOpenChange={setConfirmingDiscard}
        title="Discard your changes?"
        description="The message keeps its saved text; what you changed here is lost."
        confirmLabel="Discard changes"
        onConfirm={() => {
          discardChosen.current = true;
          setConfirmingDiscard(false);
        }}
        onCloseAutoFocus={(event) => {
          // The form leaves only once the dialog has closed, so focus lands where onDone puts it.
          event.preventDefault();
          if (discardChosen.current) onDone();
          else editorRef.current?.focus();
        }}
      />
    </div>
  );
}
