import type { RichTextMark, RichTextNode } from "../../shared/rich-text/document.js";
import { isAllowedHref } from "../../shared/rich-text/links.js";
import { escapeHtml } from "./escape-html.js";

/** A message body rendered for an e-mail: HTML for clients that show it, text for the rest. */
export type MailBody = { html: string; text: string };

/**
 * Renders a message body (the editor's JSON document) for an e-mail, both forms in one walk so
 * they always say the same thing. Everything users wrote is escaped; a link keeps its address only
 * when it is http, https or mailto. With `maxChars`, stops after that many characters of text and
 * ends with "…", for previews.
 */
export function renderRichTextForMail(doc: RichTextNode, options: { maxChars?: number } = {}) {
  const budget = { left: options.maxChars ?? Number.POSITIVE_INFINITY, cut: false };
  const blocks = renderBlocks(doc.content ?? [], budget, 0);
  if (blocks.length === 0) return { html: "<p>(no text)</p>", text: "(no text)" };
  return {
    html: blocks.map((block) => block.html).join("\n"),
    text: blocks.map((block) => block.text).join("\n\n"),
  };
}

type Budget = { left: number; cut: boolean };

function renderBlocks(nodes: RichTextNode[], budget: Budget, depth: number): MailBody[] {
  const blocks: MailBody[] = [];
  for (const node of nodes) {
    if (budget.cut) break;
    const block = renderBlock(node, budget, depth);
    if (block) blocks.push(block);
  }
  return blocks;
}

const blockStyle = "margin:0 0 8px";

function renderBlock(node: RichTextNode, budget: Budget, depth: number): MailBody | null {
  switch (node.type) {
    case "bulletList":
    case "orderedList": {
      const ordered = node.type === "orderedList";
      const start = ordered && typeof node.attrs?.start === "number" ? node.attrs.start : 1;
      const items = (node.content ?? []).flatMap((item, index) => {
        if (budget.cut) return [];
        const inner = renderBlocks(item.content ?? [], budget, depth + 1);
        const marker = ordered ? `${start + index}. ` : "- ";
        const indent = "  ".repeat(depth);
        return [
          {
            html: `<li>${inner.map((block) => block.html).join("")}</li>`,
            text: `${indent}${marker}${inner.map((block) => block.text).join(`\n${indent}  `)}`,
          },
        ];
      });
      const tag = ordered ? "ol" : "ul";
      const startAttribute = ordered && start !== 1 ? ` start="${start}"` : "";
      return {
        html: `<${tag}${startAttribute} style="${blockStyle}">${items.map((item) => item.html).join("")}</${tag}>`,
        text: items.map((item) => item.text).join("\n"),
      };
    }
    case "blockquote": {
      const inner = renderBlocks(node.content ?? [], budget, depth);
      return {
        html: `<blockquote style="margin:0 0 8px;padding-left:12px;border-left:3px solid #cbd5e1;color:#475569">${inner.map((block) => block.html).join("")}</blockquote>`,
        text: inner
          .map((block) => block.text)
          .join("\n\n")
          .split("\n")
          .map((line) => `> ${line}`)
          .join("\n"),
      };
    }
    case "codeBlock": {
      const code = spend(inlineText(node), budget) + (budget.cut ? "…" : "");
      return {
        html: `<pre style="${blockStyle};padding:8px;background:#f1f5f9;white-space:pre-wrap"><code>${escapeHtml(code)}</code></pre>`,
        text: code,
      };
    }
    default: {
      const inline = renderInline(node.content ?? (node.text ? [node] : []), budget);
      return { html: `<p style="${blockStyle}">${inline.html}</p>`, text: inline.text };
    }
  }
}

function renderInline(nodes: RichTextNode[], budget: Budget): MailBody {
  let html = "";
  let text = "";
  for (const node of nodes) {
    if (budget.cut) break;
    if (node.type === "hardBreak") {
      html += "<br>";
      text += "\n";
    } else if (node.type === "mention") {
      const mention = spend(`@${mentionLabel(node)}`, budget);
      html += `<strong>${escapeHtml(mention)}</strong>`;
      text += mention;
    } else if (node.type === "text") {
      const words = spend(node.text ?? "", budget);
      const marked = withMarks(words, node.marks ?? []);
      html += marked.html;
      text += marked.text;
    } else {
      const inner = renderInline(node.content ?? [], budget);
      html += inner.html;
      text += inner.text;
    }
  }
  if (budget.cut) {
    html += "…";
    text += "…";
  }
  return { html, text };
}

function withMarks(words: string, marks: RichTextMark[]): MailBody {
  let html = escapeHtml(words);
  let text = words;
  for (const mark of marks) {
    if (mark.type === "bold") html = `<strong>${html}</strong>`;
    else if (mark.type === "italic") html = `<em>${html}</em>`;
    else if (mark.type === "strike") html = `<s>${html}</s>`;
    else if (mark.type === "code") html = `<code>${html}</code>`;
    else if (mark.type === "link") {
      const href = mark.attrs?.href;
      if (!isAllowedHref(href)) continue;
      html = `<a href="${escapeHtml(href)}">${html}</a>`;
      if (href !== words && `mailto:${words}` !== href) text = `${words} (${href})`;
    }
  }
  return { html, text };
}

/** Takes what the character budget allows of `words`, marking the budget spent when it cuts. */
function spend(words: string, budget: Budget): string {
  const chars = Array.from(words);
  if (chars.length <= budget.left) {
    budget.left -= chars.length;
    return words;
  }
  // One character fewer, so the text with its "…" is no longer than the budget.
  const kept = chars
    .slice(0, Math.max(0, budget.left - 1))
    .join("")
    .trimEnd();
  budget.left = 0;
  budget.cut = true;
  return kept;
}

function inlineText(node: RichTextNode): string {
  if (node.type === "text") return node.text ?? "";
  if (node.type === "hardBreak") return "\n";
  return (node.content ?? []).map(inlineText).join("");
}

function mentionLabel(node: RichTextNode): string {
  const label = node.attrs?.label ?? node.attrs?.id;
  return typeof label === "string" ? label : "someone";
}
