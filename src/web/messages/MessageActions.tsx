import { MoreHorizontal } from "lucide-react";
import { type ComponentProps, type ComponentType, useState } from "react";
import { loadOnce } from "../ui/loadOnce.js";
import { actionsTriggerClass } from "./actionsTriggerClass.js";
import type MessageActionsMenu from "./MessageActionsMenu.js";

type MenuProps = ComponentProps<typeof MessageActionsMenu>;

const loadMenuCode = loadOnce(() =>
  import("./MessageActionsMenu.js").then((module) => module.default),
);

/**
 * The actions button of one's own message. A thread shows many of them and most are never used,
 * so the menu itself (Radix's, with its focus handling) is built on first use: until then a
 * plain button of the same look answers the same presses and keys, and opens it. Its code is
 * fetched when the button is pointed at or focused, and the button keeps the focus until the
 * menu takes it.
 */
export function MessageActions(props: Omit<MenuProps, "openedWithKeyboard">) {
  const [opened, setOpened] = useState<"pointer" | "keyboard" | null>(null);
  const [Menu, setMenu] = useState<ComponentType<MenuProps> | null>(null);
  const prepare = () => {
    void loadMenuCode().then((component) => setMenu(() => component));
  };
  if (opened && Menu) return <Menu {...props} openedWithKeyboard={opened === "keyboard"} />;
  return (
    <button
      type="button"
      aria-label="Message actions"
      aria-haspopup="menu"
      aria-expanded={false}
      tabIndex={props.tabbable ? 0 : -1}
      className={actionsTriggerClass}
      onPointerEnter={prepare}
      onFocus={prepare}
      // As the menu's own button does: it opens on press, without taking focus from a pointer.
      onPointerDown={(event) => {
        if (event.button !== 0 || event.ctrlKey) return;
        event.preventDefault();
        prepare();
        setOpened("pointer");
      }}
      onKeyDown={(event) => {
        if (event.key !== "Enter" && event.key !== " " && event.key !== "ArrowDown") return;
        event.preventDefault();
        prepare();
        setOpened("keyboard");
      }}
    >
      <MoreHorizontal aria-hidden size={16} />
    </button>
  );
}
