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
  MoreHorizontal,
  Quote,
  Strikethrough,
} from "lucide-react";
import { DropdownMenu, Toolbar } from "radix-ui";
import { useRef } from "react";
import { LinkPopover } from "./LinkPopover.js";
import { useMessagingSide } from "./messagingSide.js";
import { useToolbarOverflow } from "./useToolbarOverflow.js";

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

/** On a narrow editor these leave the row first, into "More formatting" (least used first). */
const overflowOrder = [
  "codeBlock",
  "blockquote",
  "code",
  "strike",
  "orderedList",
  "bulletList",
  "italic",
] as const;

const staffOnlyNames = new Set(
  [...formats, ...blocks].filter((format) => format.staffOnly).map((format) => format.name),
);
const portalOverflowOrder = overflowOrder.filter((name) => !staffOnlyNames.has(name));

const buttonClass =
  "inline-flex size-8 items-center justify-center rounded text-slate-800 hover:bg-slate-200 aria-pressed:bg-slate-300 aria-pressed:text-slate-950";

/**
 * Formatting buttons above the editor (WAI-ARIA toolbar: one tab stop, arrow keys inside). They
 * stay on one row: what does not fit moves into a "More formatting" menu.
 */
export function FormattingToolbar({ editor, label }: { editor: Editor; label: string }) {
  const side = useMessagingSide();
  const offered = (format: Format) => side === "staff" || !format.staffOnly;
  const offeredFormats = formats.filter(offered);
  const offeredBlocks = blocks.filter(offered);
  const rootRef = useRef<HTMLDivElement | null>(null);
  const hidden = useToolbarOverflow(
    rootRef,
    offeredFormats.length + offeredBlocks.length + 1,
    side === "staff" ? overflowOrder : portalOverflowOrder,
  );
  const overflowing = [...offeredFormats, ...offeredBlocks].filter((format) =>
    hidden.has(format.name),
  );
  // A format chosen from the menu returns focus to the editor, not to the menu's button.
  const formatChosen = useRef(false);
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

  const shown = (format: Format) => !hidden.has(format.name);

  return (
    <Toolbar.Root
      ref={rootRef}
      aria-label={label}
      className="flex min-w-0 flex-nowrap items-center gap-0.5 border-b border-slate-200 px-1 py-1"
    >
      {offeredFormats.filter(shown).map(renderButton)}
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
      {offeredBlocks.some(shown) && <Toolbar.Separator className="mx-1 h-5 w-px bg-slate-300" />}
      {offeredBlocks.filter(shown).map(renderButton)}
      {overflowing.length > 0 && (
        <DropdownMenu.Root modal={false}>
          <Toolbar.Button asChild>
            <DropdownMenu.Trigger
              className={buttonClass}
              aria-label="More formatting"
              title="More formatting"
              onMouseDown={(event) => event.preventDefault()}
            >
              <MoreHorizontal aria-hidden size={16} />
            </DropdownMenu.Trigger>
          </Toolbar.Button>
          <DropdownMenu.Portal>
            <DropdownMenu.Content
              align="end"
              sideOffset={4}
              className="z-40 min-w-40 rounded-md border border-slate-300 bg-white p-1 text-sm shadow-lg"
              onCloseAutoFocus={(event) => {
                if (!formatChosen.current) return;
                formatChosen.current = false;
                event.preventDefault();
                editor.commands.focus();
              }}
            >
              {overflowing.map((format) => (
                <DropdownMenu.CheckboxItem
                  key={format.name}
                  checked={active[format.name] ?? false}
                  onSelect={() => {
                    formatChosen.current = true;
                    format.toggle(editor);
                  }}
                  className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-slate-900 outline-none data-highlighted:bg-blue-700 data-highlighted:text-white data-[state=checked]:font-semibold"
                >
                  <format.icon aria-hidden size={14} /> {format.label}
                </DropdownMenu.CheckboxItem>
              ))}
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
      )}
    </Toolbar.Root>
  );
}
