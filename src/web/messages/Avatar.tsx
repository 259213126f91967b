import { initials } from "./format.js";

const avatarColors = [
  "bg-blue-100 text-blue-900",
  "bg-emerald-100 text-emerald-900",
  "bg-violet-100 text-violet-900",
  "bg-rose-100 text-rose-900",
  "bg-cyan-100 text-cyan-900",
  "bg-orange-100 text-orange-900",
];

/** The same person always gets the same colour. */
function avatarColor(id: string): string {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return avatarColors[hash % avatarColors.length] ?? "bg-slate-200 text-slate-900";
}

export function Avatar({ id, name }: { id: string; name: string }) {
  return (
    <span
      aria-hidden
      className={`flex size-9 shrink-0 items-center justify-center rounded-full text-sm font-semibold ${avatarColor(id)}`}
    >
      {initials(name)}
    </span>
  );
}
