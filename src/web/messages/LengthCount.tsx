import { MAX_MESSAGE_TEXT_LENGTH } from "../../shared/rich-text/limits.js";

/** From here on the composer shows how many characters are left. */
const SHOW_FROM = MAX_MESSAGE_TEXT_LENGTH * 0.9;
const number = new Intl.NumberFormat();

/**
 * The characters left before a message's length limit, shown near it and announced politely;
 * past it, by how much it is too long (Send is then disabled, so no send can fail on length).
 */
export function LengthCount({ length }: { length: number }) {
  const left = MAX_MESSAGE_TEXT_LENGTH - length;
  return (
    <output
      className={`mt-1 block text-right text-xs ${left < 0 ? "font-semibold text-red-800" : "text-slate-700"}`}
    >
      {length < SHOW_FROM
        ? null
        : left >= 0
          ? `${number.format(left)} characters left`
          : `${number.format(-left)} characters too many: the limit is ${number.format(MAX_MESSAGE_TEXT_LENGTH)}. Shorten the message to send it.`}
    </output>
  );
}
