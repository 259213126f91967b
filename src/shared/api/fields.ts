import { z } from "zod";

/** The largest PostgreSQL `integer`: sequence numbers and versions never go beyond it. */
export const MAX_INT32 = 2_147_483_647;

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** False for text PostgreSQL cannot store (NUL) or that is not Unicode (an unpaired surrogate). */
export function isStorableText(value: string): boolean {
  return !value.includes("\u0000") && !loneSurrogate.test(value);
}

export const UNSTORABLE_TEXT_MESSAGE =
  "Remove the invalid characters (a NUL or a broken Unicode character) from this text.";

/** The rule every free-text input starts from: a string that can be stored as text. */
export function textInput(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).refine(isStorableText, UNSTORABLE_TEXT_MESSAGE);
}
