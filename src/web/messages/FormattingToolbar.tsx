import type { Editor } from "@tiptap/react";
import { useEditorState } from "@tiptap/react";
import {
  Bold,
  Code,
  FileCode,
  Italic,
  Link,
  List,
  ListOrdered,
  type LucideIcon,
  Quote,
  Strikethrough,
} from "lucide-react";
import { Toolbar } from "radix-ui";
import { LinkPopover } from "./LinkPopover.js";
import { useMessagingSide } from "./messagingSide.js";

type Format = {
  name: string;
  label: string;
  icon: LucideIcon;
  toggle: (editor: Editor) => void;
  /** Offered to staff only: clients write plain prose, so the portal keeps its toolbar short. */
  staffOnly?: boolean;
};

const formats: Format[] = [
  { name: "bold", label: "Bold", icon: Bold, toggle: (e) => e.chain().focus().toggleBold().run() },
  {
    name: "italic",
    label: "Italic",
    icon: Italic,
    toggle: (e) => e.chain().focus().toggleItalic().run(),
  },
  {
    name: "strike",
    staffOnly: true,
    label: "Strikethrough",
    icon: Strikethrough,
    toggle: (e) => e.chain().focus().toggleStrike().run(),
  },
  {
    name: "code",
    staffOnly: true,
    label: "Inline code",
    icon: Code,
    toggle: (e) => e.chain().focus().toggleCode().run(),
  },
];

const blocks: Format[] = [
  {
    name: "bulletList",
    label: "Bulleted list",
    icon: List,
    toggle: (e) => e.chain().focus().toggleBulletList().run(),
  },
  {
    name: "orderedList",
    label: "Numbered list",
    icon: ListOrdered,
    toggle: (e) => e.chain().focus().toggleOrderedList().run(),
  },
  {
    name: "blockquote",
    staffOnly: true,
    label: "Quote",
    icon: Quote,
    toggle: (e) => e.chain().focus().toggleBlockquote().run(),
  },
  {
    name: "codeBlock",
    staffOnly: true,
    label: "Code block",
    icon: FileCode,
    toggle: (e) => e.chain().focus().toggleCodeBlock().run(),
  },
];

const buttonClass =
  "inline-flex size-8 items-center justify-center rounded text-slate-800 hover:bg-slate-200 aria-pressed:bg-slate-300 aria-pressed:text-slate-950";

/** Formatting buttons above the editor (WAI-ARIA toolbar: one tab stop, arrow keys inside). */
export function FormattingToolbar({ editor, label }: { editor: Editor; label: string }) {
  const side = useMessagingSide();
  const offered = (format: Format) => side === "staff" || !format.staffOnly;
  const active = useEditorState({
    editor,
    selector: ({ editor: current }) =>
      Object.fromEntries(
        [...formats, ...blocks, { name: "link" }].map(({ name }) => [name, current.isActive(name)]),
      ) as Record<string, boolean>,
  });

  const renderButton = (format: Format) => (
    <Toolbar.Button
      key={format.name}
      className={buttonClass}
      aria-label={format.label}
      title={format.label}
      aria-pressed={active[format.name] ?? false}
      // Keeps the editor's selection: the button acts on it without taking focus away.
      onMouseDown={(event) => event.preventDefault()}
      onClick={() => format.toggle(editor)}
    >
      <format.icon aria-hidden size={16} />
    </Toolbar.Button>
  );

  return (
    <Toolbar.Root
      aria-label={label}
      className="flex flex-wrap items-center gap-0.5 border-b border-slate-200 px-1 py-1"
    >
      {formats.filter(offered).map(renderButton)}
      <LinkPopover editor={editor} active={active.link ?? false}>
        <Toolbar.Button
          className={buttonClass}
          aria-label="Link"
          title="Link"
          aria-pressed={active.link ?? false}
          onMouseDown={(event) => event.preventDefault()}
        >
          <Link aria-hidden size={16} />
        </Toolbar.Button>
      </LinkPopover>
      <Toolbar.Separator className="mx-1 h-5 w-px bg-slate-300" />
      {blocks.filter(offered).map(renderButton)}
    </Toolbar.Root>
  );
}
