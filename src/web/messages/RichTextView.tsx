import type { ReactNode } from "react";
import type { RichTextMark, RichTextNode } from "../../shared/rich-text/document.js";
import { isAllowedHref } from "../../shared/rich-text/links.js";

/**
 * Renders a message body (the editor's JSON document) as React elements, node type by node
 * type. It never builds HTML strings and never imports the editor, so threads paint before
 * the editor code has loaded. Unknown node types show their text, unknown marks are ignored.
 */
export function RichTextView({ doc }: { doc: RichTextNode }) {
  return <div className="rich-text">{renderChildren(doc)}</div>;
}

function renderChildren(node: RichTextNode): ReactNode[] {
  return (node.content ?? []).map((child, index) => renderNode(child, index));
}

function renderNode(node: RichTextNode, key: number): ReactNode {
  switch (node.type) {
    case "paragraph":
      return <p key={key}>{node.content?.length ? renderChildren(node) : <br />}</p>;
    case "text":
      return renderMarks(node.text ?? "", node.marks ?? [], key);
    case "hardBreak":
      return <br key={key} />;
    case "bulletList":
      return <ul key={key}>{renderChildren(node)}</ul>;
    case "orderedList": {
      const start = typeof node.attrs?.start === "number" ? node.attrs.start : undefined;
      return (
        <ol key={key} start={start}>
          {renderChildren(node)}
        </ol>
      );
    }
    case "listItem":
      return <li key={key}>{renderChildren(node)}</li>;
    case "blockquote":
      return <blockquote key={key}>{renderChildren(node)}</blockquote>;
    case "codeBlock":
      return (
        <pre key={key}>
          <code>{plainText(node)}</code>
        </pre>
      );
    case "mention":
      return <MentionChip key={key} label={mentionLabel(node)} />;
    default:
      return node.content ? <span key={key}>{renderChildren(node)}</span> : (node.text ?? null);
  }
}

function renderMarks(text: string, marks: RichTextMark[], key: number): ReactNode {
  // Links wrap outermost, so a partly bold link is still one link.
  const ordered = [...marks].sort((a, b) => Number(a.type === "link") - Number(b.type === "link"));
  let element: ReactNode = text;
  for (const mark of ordered) element = wrapInMark(element, mark);
  return <span key={key}>{element}</span>;
}

function wrapInMark(children: ReactNode, mark: RichTextMark): ReactNode {
  switch (mark.type) {
    case "bold":
      return <strong>{children}</strong>;
    case "italic":
      return <em>{children}</em>;
    case "strike":
      return <s>{children}</s>;
    case "code":
      return <code>{children}</code>;
    case "link": {
      const href = mark.attrs?.href;
      return isAllowedHref(href) ? (
        <a href={href} target="_blank" rel="noopener noreferrer nofollow">
          {children}
        </a>
      ) : (
        children
      );
    }
    default:
      return children;
  }
}

function mentionLabel(node: RichTextNode): string {
  const label = node.attrs?.label ?? node.attrs?.id;
  return typeof label === "string" ? label : "someone";
}

export function MentionChip({ label }: { label: string }) {
  return (
    <span className="mention rounded bg-blue-100 px-1 font-medium text-blue-900">@{label}</span>
  );
}

function plainText(node: RichTextNode): string {
  if (node.type === "text") return node.text ?? "";
  if (node.type === "hardBreak") return "\n";
  return (node.content ?? []).map(plainText).join("");
}
