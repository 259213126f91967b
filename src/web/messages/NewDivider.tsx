/**
 * Marks where the messages the reader had not read begin. Its scroll margin keeps it clear of
 * the sticky day heading when the thread opens scrolled to it.
 */
export function NewDivider() {
  return (
    <li
      data-new-divider
      className="my-1 flex scroll-mt-12 items-center gap-3 text-xs font-semibold text-red-800 after:h-px after:flex-1 after:bg-red-700"
    >
      New
    </li>
  );
}
