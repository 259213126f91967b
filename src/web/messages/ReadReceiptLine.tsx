import { Check } from "lucide-react";
import { Popover } from "radix-ui";
import { useRef, useState } from "react";
import type { ReadReceipt } from "../../shared/api/messaging.js";
import { formatFullDate } from "./format.js";

const listFormat = new Intl.ListFormat("en", { style: "long", type: "conjunction" });

/**
 * "Seen by Dana Fox" under the newest staff message a contact has read. Hovering, tapping or
 * pressing it shows when each of them read it.
 */
export default function ReadReceiptLine({ receipts }: { receipts: ReadReceipt[] }) {
  const [open, setOpen] = useState(false);
  const openedByHover = useRef(false);
  const names = listFormat.format(receipts.map((receipt) => receipt.name));
  return (
    <Popover.Root
      open={open}
      onOpenChange={(next) => {
        if (!next) openedByHover.current = false;
        setOpen(next);
      }}
    >
      <Popover.Trigger
        className="mt-1 inline-flex items-center gap-1 rounded text-xs text-slate-700 hover:underline"
        onPointerEnter={(event) => {
          if (event.pointerType !== "mouse" || open) return;
          openedByHover.current = true;
          setOpen(true);
        }}
        onPointerLeave={(event) => {
          if (event.pointerType !== "mouse") return;
          openedByHover.current = false;
          setOpen(false);
        }}
        onClick={(event) => {
          // A click on a line the pointer has just opened keeps it open instead of toggling it shut.
          if (!openedByHover.current) return;
          openedByHover.current = false;
          event.preventDefault();
        }}
      >
        <Check aria-hidden size={12} /> Seen by {names}
      </Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          side="top"
          align="start"
          sideOffset={4}
          className="z-40 rounded-md border border-slate-300 bg-white px-3 py-2 text-xs text-slate-900 shadow-lg"
        >
          <ul>
            {receipts.map((receipt) => (
              <li key={receipt.contactId}>
                {receipt.name}, seen{" "}
                <time dateTime={receipt.readAt}>{formatFullDate(receipt.readAt)}</time>
              </li>
            ))}
          </ul>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
