import { isStorableText } from "../../shared/api/fields.js";

/** Longest name kept, in characters; longer names keep their extension. */
const MAX_NAME_LENGTH = 200;

/**
 * Control characters, and the invisible direction marks that can make `invoice‮fdp.exe` read as
 * `invoiceexe.pdf`.
 */
const unsafeCharacters = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/**
 * The name of an uploaded file as people will see it: no path, no control or direction
 * characters, single spaces, a bounded length, and never empty.
 */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? "").split(/[/\\]/).pop() ?? "";
  // Re-encoding turns unpaired surrogates into U+FFFD; NUL goes with the control characters.
  const wellFormed = Buffer.from(base, "utf8").toString("utf8");
  const cleaned = wellFormed
    .normalize("NFC")
    .replace(/\s+/g, " ")
    .replace(unsafeCharacters, "")
    .trim();
  if (cleaned === "" || cleaned === "." || cleaned === ".." || !isStorableText(cleaned)) {
    return "file";
  }
  const characters = [...cleaned];
  if (characters.length <= MAX_NAME_LENGTH) return cleaned;
  const dot = characters.lastIndexOf(".");
  const extension = dot > 0 ? characters.slice(dot, dot + 20) : [];
  const stem = characters
    .slice(0, MAX_NAME_LENGTH - extension.length)
    .join("")
    .trimEnd();
  return stem + extension.join("");
}
