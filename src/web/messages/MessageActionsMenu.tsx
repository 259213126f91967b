import { MoreHorizontal, Pencil, Trash2 } from "lucide-react";
import { DropdownMenu } from "radix-ui";
import { useRef } from "react";
import { actionsTriggerClass } from "./actionsTriggerClass.js";

/**
 * The "Message actions" menu of one's own message: edit in place, delete. Always visible on touch
 * screens, on hover or focus elsewhere. Built open, by the first press of its stand-in button.
 */
export default function MessageActionsMenu({
  tabbable,
  onEdit,
  onDelete,
  openedWithKeyboard,
}: {
  tabbable: boolean;
  onEdit: () => void;
  onDelete: () => void;
  openedWithKeyboard: boolean;
}) {
  const editChosen = useRef(false);
  const firstOpen = useRef(true);
  return (
    <DropdownMenu.Root modal={false} defaultOpen>
      <DropdownMenu.Trigger
        aria-label="Message actions"
        tabIndex={tabbable ? 0 : -1}
        className={actionsTriggerClass}
      >
        <MoreHorizontal aria-hidden size={16} />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={4}
          className="z-40 min-w-36 rounded-md border border-slate-300 bg-white p-1 text-sm shadow-lg"
          onFocus={(event) => {
            // Radix puts a keyboard user on the first item only when it saw the key itself; the
            // first opening's key went to the stand-in button.
            if (!firstOpen.current || event.target !== event.currentTarget) return;
            firstOpen.current = false;
            if (openedWithKeyboard) {
              event.currentTarget.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
            }
          }}
          onCloseAutoFocus={(event) => {
            // The inline editor takes focus itself; the trigger is gone while editing.
            if (editChosen.current) event.preventDefault();
            editChosen.current = false;
          }}
        >
          <DropdownMenu.Item
            className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-slate-900 outline-none data-highlighted:bg-blue-700 data-highlighted:text-white"
            onSelect={() => {
              editChosen.current = true;
              onEdit();
            }}
          >
            <Pencil aria-hidden size={14} /> Edit
          </DropdownMenu.Item>
          <DropdownMenu.Item
            className="flex cursor-pointer items-center gap-2 rounded px-2 py-1.5 text-red-800 outline-none data-highlighted:bg-red-700 data-highlighted:text-white"
            onSelect={onDelete}
          >
            <Trash2 aria-hidden size={14} /> Delete
          </DropdownMenu.Item>
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}
