import { MoreHorizontal, Pencil, Trash2 } from "lucide-react";
import { DropdownMenu } from "radix-ui";
import { useRef } from "react";

/**
 * The "Message actions" menu of one's own message: edit in place, delete. Always visible on touch
 * screens, on hover or focus elsewhere.
 */
export default function MessageActionsMenu({
  tabbable,
  onEdit,
  onDelete,
}: {
  tabbable: boolean;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const editChosen = useRef(false);
  return (
    <DropdownMenu.Root modal={false}>
      <DropdownMenu.Trigger
        aria-label="Message actions"
        tabIndex={tabbable ? 0 : -1}
        className="absolute top-1 right-2 inline-flex size-8 items-center justify-center rounded-md border border-slate-300 bg-white text-slate-800 opacity-0 group-focus-within:opacity-100 group-hover:opacity-100 hover:bg-slate-100 focus:opacity-100 data-[state=open]:opacity-100 pointer-coarse:opacity-100"
      >
        <MoreHorizontal aria-hidden size={16} />
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          align="end"
          sideOffset={4}
          className="z-40 min-w-36 rounded-md border border-slate-300 bg-white p-1 text-sm shadow-lg"
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
