import { type Editor, Extension } from "@tiptap/core";
import { EditorContent, useEditor } from "@tiptap/react";
import { type RefObject, useEffect, useImperativeHandle, useMemo, useRef, useState } from "react";
import type { TeamMember } from "../../shared/api/messaging.js";
import type { RichTextDoc, RichTextNode } from "../../shared/rich-text/document.js";
import { richTextExtensions } from "../../shared/rich-text/extensions.js";
import { plainTextOf } from "../../shared/rich-text/plain-text.js";
import { editableAreaClass, editorFrameClass } from "./editorStyle.js";
import { FormattingToolbar } from "./FormattingToolbar.js";
import { mentionSuggestion } from "./MentionSuggestions.js";

export type RichTextEditorHandle = {
  focus: () => void;
  clear: () => void;
  /** The document as it is sent: without blank paragraphs at either end. */
  getDoc: () => RichTextDoc;
  hasContent: () => boolean;
  /** Adds plain text (lines become paragraphs) after what the editor holds. */
  appendText: (text: string) => void;
};

type Callbacks = {
  /** `textLength` counts as the server's length limit does. */
  onChange?: (doc: RichTextDoc, hasContent: boolean, textLength: number) => void;
  onSubmit: () => void;
  onEscape?: () => void;
  /** Once the editor is built and in the page. */
  onReady?: (handle: RichTextEditorHandle) => void;
};

export type RichTextEditorProps = Callbacks & {
  label: string;
  initialContent?: RichTextDoc | null;
  team: TeamMember[];
  autoFocus?: boolean;
  handleRef?: RefObject<RichTextEditorHandle | null>;
  describedBy?: string;
  className?: string;
};

/**
 * The document without empty paragraphs at its start and end: the editor keeps one after a
 * list, quote or code block so the caret can leave it, but a sent message should not end blank.
 */
function withoutBlankEdges(doc: RichTextDoc): RichTextDoc {
  const content = [...(doc.content ?? [])];
  const isBlank = (node: RichTextNode | undefined) =>
    node?.type === "paragraph" && !node.content?.length;
  while (isBlank(content[0])) content.shift();
  while (isBlank(content.at(-1))) content.pop();
  return { ...doc, content };
}

/** Text or a mention: a body of only spaces or empty paragraphs is not worth sending. */
const hasText = (editor: { getText: () => string }) => editor.getText().trim().length > 0;

/**
 * The rich-text editor used to compose and to edit messages: the shared extension list (so the
 * server accepts whatever it produces), a formatting toolbar, @mentions of the team, and
 * Ctrl/Cmd+Enter to submit. Enter starts a new paragraph; Shift+Enter a line break.
 */
export function RichTextEditor({
  label,
  initialContent,
  team,
  autoFocus = false,
  handleRef,
  describedBy,
  className = "",
  ...callbacks
}: RichTextEditorProps) {
  // The editor is built once; these refs let it reach the latest props.
  const callbacksRef = useRef(callbacks);
  callbacksRef.current = callbacks;
  const teamRef = useRef(team);
  teamRef.current = team;
  const mentionPopup = useRef({ open: false }).current;

  // Built once and kept identical across renders: useEditor re-applies options that differ
  // from the last ones, and doing so resets the view's selection under keys being typed.
  const [options] = useState(() => ({
    // Built after mount rather than during render: an instance built during render is thrown
    // away and rebuilt once the component mounts, and keys typed in between would be lost.
    immediatelyRender: false,
    extensions: [
      ...richTextExtensions({
        mentionSuggestion: mentionSuggestion(() => teamRef.current, mentionPopup),
      }),
      Extension.create({
        name: "composerKeys",
        // Ahead of StarterKit, which would turn Mod-Enter into a line break.
        priority: 1000,
        addKeyboardShortcuts: () => ({
          "Mod-Enter": () => {
            callbacksRef.current.onSubmit();
            return true;
          },
          "Ctrl-Enter": () => {
            callbacksRef.current.onSubmit();
            return true;
          },
          Escape: () => {
            if (mentionPopup.open || !callbacksRef.current.onEscape) return false;
            callbacksRef.current.onEscape();
            return true;
          },
        }),
      }),
    ],
    content: initialContent ?? "",
    editorProps: {
      attributes: {
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": label,
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
        class: `tiptap ${editableAreaClass}`,
      },
    },
  }));

  const reportChange = (current: Editor) =>
    callbacksRef.current.onChange?.(
      current.getJSON() as RichTextDoc,
      hasText(current),
      plainTextOf(current.state.doc).length,
    );

  const editor = useEditor({
    ...options,
    // Reporting the starting content lets a restored draft enable Send straight away.
    onCreate: ({ editor: current }) => reportChange(current),
    onUpdate: ({ editor: current }) => reportChange(current),
  });

  // Not TipTap's `autofocus`, which runs before EditorContent has put the editor in the page.
  useEffect(() => {
    if (autoFocus && editor && !editor.isDestroyed) editor.commands.focus("end");
  }, [editor, autoFocus]);

  const handle = useMemo<RichTextEditorHandle>(
    () => ({
      focus: () => {
        if (!editor) return;
        editor.commands.focus("end");
        // TipTap moves the focus a frame later; keys typed in that frame would be lost.
        editor.view.focus();
      },
      clear: () => editor?.commands.clearContent(true),
      getDoc: () => withoutBlankEdges((editor?.getJSON() ?? { type: "doc" }) as RichTextDoc),
      hasContent: () => (editor ? hasText(editor) : false),
      appendText: (text) => {
        if (!editor) return;
        const paragraphs = text.split("\n").map((line) => ({
          type: "paragraph",
          ...(line ? { content: [{ type: "text", text: line }] } : {}),
        }));
        if (editor.isEmpty) editor.commands.setContent({ type: "doc", content: paragraphs });
        else editor.commands.insertContentAt(editor.state.doc.content.size, paragraphs);
      },
    }),
    [editor],
  );
  useImperativeHandle(handleRef, () => handle, [handle]);

  useEffect(() => {
    if (editor) callbacksRef.current.onReady?.(handle);
  }, [editor, handle]);

  return (
    <div className={`${editorFrameClass} ${className}`}>
      {editor ? (
        <>
          <FormattingToolbar editor={editor} label={`${label} formatting`} />
          <EditorContent editor={editor} />
        </>
      ) : (
        // Holds the editor's place (toolbar + one paragraph) for the moment it takes to build.
        <div className="h-[105px]" />
      )}
    </div>
  );
}
