import type { Editor } from "@tiptap/react";
import { Popover } from "radix-ui";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { isAllowedHref } from "../../shared/rich-text/links.js";
import { Button } from "../ui/Button.js";

/** People type "example.com"; the editor's own default protocol is https too. */
function normalizeHref(input: string): string {
  const trimmed = input.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return trimmed;
  return `https://${trimmed}`;
}

/** Asks for a link address and applies it to the selection (or inserts it as text). */
export function LinkPopover({
  editor,
  active,
  children,
}: {
  editor: Editor;
  active: boolean;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [address, setAddress] = useState("");
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();

  function onOpenChange(next: boolean) {
    if (next) {
      const current = editor.getAttributes("link").href;
      setAddress(typeof current === "string" ? current : "");
      setError(null);
    }
    setOpen(next);
  }

  function apply(event: FormEvent) {
    event.preventDefault();
    event.stopPropagation();
    const href = normalizeHref(address);
    if (!address.trim() || !isAllowedHref(href)) {
      setError("Enter a web address (https://…) or an e-mail link (mailto:…).");
      return;
    }
    const chain = editor.chain().focus().extendMarkRange("link");
    if (editor.state.selection.empty && !active) {
      chain.insertContent({ type: "text", text: href, marks: [{ type: "link", attrs: { href } }] });
    } else {
      chain.setLink({ href });
    }
    chain.run();
    setOpen(false);
  }

  function remove() {
    editor.chain().focus().extendMarkRange("link").unsetLink().run();
    setOpen(false);
  }

  return (
    <Popover.Root open={open} onOpenChange={onOpenChange}>
      <Popover.Trigger asChild>{children}</Popover.Trigger>
      <Popover.Portal>
        <Popover.Content
          side="top"
          align="start"
          sideOffset={6}
          className="z-50 w-80 rounded-md border border-slate-300 bg-white p-3 shadow-lg"
          onCloseAutoFocus={(event) => {
            event.preventDefault();
            editor.commands.focus();
          }}
        >
          <form onSubmit={apply} className="flex flex-col gap-2" noValidate>
            <label htmlFor={inputId} className="text-sm font-medium text-slate-800">
              Link address
            </label>
            <input
              id={inputId}
              type="url"
              value={address}
              onChange={(event) => setAddress(event.target.value)}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${inputId}-error` : undefined}
              className="rounded-md border border-slate-400 px-2 py-1.5 text-sm"
              placeholder="https://example.com"
            />
            {error && (
              <p id={`${inputId}-error`} className="text-sm text-red-700">
                {error}
              </p>
            )}
            <div className="flex justify-end gap-2">
              {active && (
                <Button variant="secondary" onClick={remove}>
                  Remove link
                </Button>
              )}
              <Button type="submit">Apply</Button>
            </div>
          </form>
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
