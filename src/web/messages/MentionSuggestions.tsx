import type { MentionNodeAttrs, MentionOptions } from "@tiptap/extension-mention";
import { ReactRenderer } from "@tiptap/react";
import type { SuggestionKeyDownProps, SuggestionProps } from "@tiptap/suggestion";
import { type Ref, useEffect, useId, useImperativeHandle, useState } from "react";
import type { TeamMember } from "../../shared/api/messaging.js";
import { initials } from "./format.js";

const MAX_SUGGESTIONS = 8;

/** Team members whose name contains the query; names starting with it come first. */
export function filterTeam(team: TeamMember[], query: string): TeamMember[] {
  const needle = query.trim().toLowerCase();
  const wordStart = (member: TeamMember) =>
    member.name
      .toLowerCase()
      .split(/\s+/)
      .some((word) => word.startsWith(needle));
  return team
    .filter((member) => member.name.toLowerCase().includes(needle))
    .sort((a, b) => Number(wordStart(b)) - Number(wordStart(a)) || a.name.localeCompare(b.name))
    .slice(0, MAX_SUGGESTIONS);
}

type MentionListHandle = { onKeyDown: (props: SuggestionKeyDownProps) => boolean };
type MentionListProps = SuggestionProps<TeamMember, MentionNodeAttrs> & {
  ref?: Ref<MentionListHandle>;
};

/**
 * The @mention popup, a WAI-ARIA listbox. Keyboard focus stays in the editor, which points at
 * the highlighted option with aria-activedescendant, so typing keeps filtering the list.
 */
function MentionList({ items, command, editor, query, ref }: MentionListProps) {
  const listId = useId();
  const [active, setActive] = useState(0);
  const [previousItems, setPreviousItems] = useState(items);
  if (items !== previousItems) {
    setPreviousItems(items);
    setActive(0);
  }
  const optionId = (index: number) => `${listId}-option-${index}`;
  const choose = (index: number) => {
    const member = items[index];
    if (member) command({ id: member.id, label: member.name });
  };

  useImperativeHandle(ref, () => ({
    onKeyDown: ({ event }) => {
      if (items.length === 0 || event.ctrlKey || event.metaKey || event.altKey) return false;
      if (event.key === "ArrowDown") {
        setActive((index) => (index + 1) % items.length);
        return true;
      }
      if (event.key === "ArrowUp") {
        setActive((index) => (index + items.length - 1) % items.length);
        return true;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        choose(active);
        return true;
      }
      return false;
    },
  }));

  useEffect(() => {
    const dom = editor.view.dom;
    if (items.length === 0) return;
    dom.setAttribute("aria-controls", listId);
    dom.setAttribute("aria-activedescendant", optionId(active));
    dom.setAttribute("aria-autocomplete", "list");
    return () => {
      dom.removeAttribute("aria-controls");
      dom.removeAttribute("aria-activedescendant");
      dom.removeAttribute("aria-autocomplete");
    };
  });

  if (items.length === 0) {
    return (
      <div className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-700 shadow-lg">
        No team member matches “{query}”.
      </div>
    );
  }
  return (
    <div
      id={listId}
      role="listbox"
      aria-label="Team members"
      className="max-h-64 w-64 overflow-y-auto rounded-md border border-slate-300 bg-white py-1 text-sm shadow-lg"
    >
      {items.map((member, index) => (
        // Keyboard focus stays in the editor, which handles the keys (see onKeyDown above).
        // biome-ignore lint/a11y/useKeyWithClickEvents: see above
        <div
          key={member.id}
          tabIndex={-1}
          id={optionId(index)}
          role="option"
          aria-selected={index === active}
          className={`flex cursor-pointer items-center gap-2 px-3 py-1.5 ${
            index === active ? "bg-blue-700 text-white" : "text-slate-900"
          }`}
          onMouseDown={(event) => event.preventDefault()}
          onMouseEnter={() => setActive(index)}
          onClick={() => choose(index)}
        >
          <span
            aria-hidden
            className={`flex size-6 items-center justify-center rounded-full text-xs font-semibold ${
              index === active ? "bg-white text-blue-800" : "bg-slate-200 text-slate-800"
            }`}
          >
            {initials(member.name)}
          </span>
          {member.name}
        </div>
      ))}
    </div>
  );
}

/**
 * Suggestion settings for the Mention extension, reading the team list at typing time.
 * `popup.open` tells the editor's own key handlers when Escape belongs to the popup.
 */
export function mentionSuggestion(
  getTeam: () => TeamMember[],
  popup: { open: boolean },
): MentionOptions<TeamMember, MentionNodeAttrs>["suggestion"] {
  return {
    // Without anyone to mention (a portal contact's composer), "@" is just a character.
    allow: () => getTeam().length > 0,
    items: ({ query }) => filterTeam(getTeam(), query),
    render: () => {
      let renderer: ReactRenderer<MentionListHandle, MentionListProps> | null = null;
      let unmount: (() => void) | null = null;
      return {
        onStart: (props) => {
          popup.open = true;
          renderer = new ReactRenderer(MentionList, {
            props,
            editor: props.editor,
            className: "z-50",
          });
          unmount = props.mount(renderer.element);
        },
        onUpdate: (props) => renderer?.updateProps(props),
        onKeyDown: (props) => renderer?.ref?.onKeyDown(props) ?? false,
        onExit: () => {
          popup.open = false;
          unmount?.();
          renderer?.destroy();
          renderer = null;
          unmount = null;
        },
      };
    },
  };
}
