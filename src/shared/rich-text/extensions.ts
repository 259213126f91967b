import Mention, { type MentionOptions } from "@tiptap/extension-mention";
import StarterKit from "@tiptap/starter-kit";
import { isAllowedHref } from "./links.js";

/**
 * The one list of editor extensions: the composer edits with it and the server validates
 * message bodies against the schema it defines, so both accept exactly the same documents.
 */
export function richTextExtensions(
  options: { mentionSuggestion?: MentionOptions["suggestion"] } = {},
) {
  return [
    StarterKit.configure({
      heading: false,
      horizontalRule: false,
      underline: false,
      link: {
        openOnClick: false,
        autolink: true,
        defaultProtocol: "https",
        isAllowedUri: (url) => isAllowedHref(url),
        HTMLAttributes: { rel: "noopener noreferrer nofollow", target: "_blank" },
      },
    }),
    Mention.configure({
      HTMLAttributes: { class: "mention" },
      ...(options.mentionSuggestion ? { suggestion: options.mentionSuggestion } : {}),
    }),
  ];
}
