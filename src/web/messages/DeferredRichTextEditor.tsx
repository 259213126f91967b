import {
  type ComponentType,
  useCallback,
  useEffect,
  useImperativeHandle,
  useRef,
  useState,
} from "react";
import { flushSync } from "react-dom";
import type { RichTextDoc } from "../../shared/rich-text/document.js";
import { loadOnce } from "../ui/loadOnce.js";
import { editableAreaClass, editorFrameClass } from "./editorStyle.js";
import type { RichTextEditorHandle, RichTextEditorProps } from "./RichTextEditor.js";

const loadEditorCode = loadOnce(() =>
  import("./RichTextEditor.js").then((module) => module.RichTextEditor),
);

/**
 * The composer's editor, built when it is about to be used: the editor is the largest part of a
 * thread's script and the costliest to build, and most visits only read. Until then a plain
 * text area of the same shape stands in; pointing at it, focusing it or typing in it fetches the
 * editor, which then takes its place, the text typed so far, and the focus, in one step, so no
 * key is lost. A draft to restore, or a composer that opens focused, builds the editor at once,
 * behind a frame that takes no keys.
 */
export function DeferredRichTextEditor({
  eager,
  autoFocus = false,
  handleRef,
  ...props
}: RichTextEditorProps & { eager: boolean }) {
  const [Editor, setEditor] = useState<ComponentType<RichTextEditorProps> | null>(null);
  const [handedOver, setHandedOver] = useState(false);
  const standInRef = useRef<HTMLTextAreaElement | null>(null);
  // Ctrl/Cmd+Enter pressed before the editor arrived: the message is sent once it has.
  const submitOnArrival = useRef(false);
  const editorRef = useRef<RichTextEditorHandle | null>(null);

  const load = useCallback(() => {
    void loadEditorCode().then((component) => setEditor(() => component));
  }, []);

  useEffect(() => {
    if (eager || autoFocus) load();
  }, [eager, autoFocus, load]);

  useImperativeHandle(
    handleRef,
    () => ({
      focus: () => (editorRef.current ? editorRef.current.focus() : standInRef.current?.focus()),
      clear: () => editorRef.current?.clear(),
      getDoc: () => editorRef.current?.getDoc() ?? ({ type: "doc" } satisfies RichTextDoc),
      // The stand-in's text is not sendable: Send waits for the editor, which comes within moments.
      hasContent: () => editorRef.current?.hasContent() ?? false,
      appendText: (text) => editorRef.current?.appendText(text),
    }),
    [],
  );

  // Called from the editor's effect, where React defers flushSync: a microtask runs right after
  // it, still before any key event, and there the swap can be made synchronously.
  const takeOver = (editor: RichTextEditorHandle) =>
    queueMicrotask(() => {
      const standIn = standInRef.current;
      const typed = standIn?.value ?? "";
      const focused = standIn !== null && standIn === document.activeElement;
      editorRef.current = editor;
      flushSync(() => setHandedOver(true));
      if (typed.trim()) editor.appendText(typed);
      // A composer that opens focused takes the focus with the editor, so the first key it
      // receives already has every shortcut.
      if (focused || autoFocus) editor.focus();
      if (submitOnArrival.current) props.onSubmit();
    });

  return (
    <>
      {Editor && (
        <div hidden={!handedOver}>
          <Editor {...props} onReady={takeOver} />
        </div>
      )}
      {!handedOver && (
        <div className={`${editorFrameClass} ${props.className ?? ""}`}>
          {/* Where the formatting toolbar will be, so nothing moves when it arrives. */}
          <div aria-hidden className="border-b border-slate-200 p-1">
            <div className="size-8" />
          </div>
          {eager ? (
            // The editor is already on its way: nothing to type into meanwhile, so no key can
            // reach a box without the editor's shortcuts (staff format and mention from the first key).
            <div aria-hidden className={editableAreaClass} />
          ) : (
            <textarea
              ref={standInRef}
              rows={1}
              aria-label={props.label}
              aria-describedby={props.describedBy}
              className={`block w-full resize-none bg-transparent outline-none ${editableAreaClass}`}
              onPointerEnter={load}
              onPointerDown={load}
              onFocus={load}
              onKeyDown={(event) => {
                if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
                event.preventDefault();
                submitOnArrival.current = true;
              }}
            />
          )}
        </div>
      )}
    </>
  );
}
