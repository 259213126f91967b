import { describe, expect, it } from "vitest";
import type { RichTextDoc, RichTextNode } from "../../shared/rich-text/document.js";
import { renderRichTextForMail } from "./rich-text-mail.js";

const text = (words: string, marks?: RichTextNode["marks"]): RichTextNode => ({
  type: "text",
  text: words,
  ...(marks ? { marks } : {}),
});
const paragraph = (...content: RichTextNode[]): RichTextNode => ({ type: "paragraph", content });
const item = (...content: RichTextNode[]): RichTextNode => ({ type: "listItem", content });
const doc = (...content: RichTextNode[]): RichTextDoc => ({ type: "doc", content });

describe("a message body in an e-mail", () => {
  it("renders lists as lists, in HTML and in text", () => {
    const body = doc(
      paragraph(text("Please send:")),
      {
        type: "bulletList",
        content: [item(paragraph(text("Bank statements"))), item(paragraph(text("Receipts")))],
      },
      {
        type: "orderedList",
        attrs: { start: 3 },
        content: [
          item(paragraph(text("Sign here")), {
            type: "bulletList",
            content: [item(paragraph(text("and here")))],
          }),
        ],
      },
    );
    const mail = renderRichTextForMail(body);
    expect(mail.html).toContain("<ul");
    expect(mail.html).toContain("<li><p");
    expect(mail.html).toMatch(/<ol start="3"[^>]*><li><p[^>]*>Sign here<\/p><ul/);
    expect(mail.text).toBe(
      "Please send:\n\n- Bank statements\n- Receipts\n\n3. Sign here\n    - and here",
    );
  });

  it("keeps bold, italic, code, quotes, line breaks and mentions", () => {
    const body = doc(
      paragraph(
        text("Due ", [{ type: "bold" }]),
        text("Friday", [{ type: "italic" }]),
        { type: "hardBreak" },
        { type: "mention", attrs: { id: "staff-1", label: "Ada Park" } },
        text(" see "),
        text("W-9", [{ type: "code" }]),
      ),
      { type: "blockquote", content: [paragraph(text("as discussed"))] },
    );
    const mail = renderRichTextForMail(body);
    expect(mail.html).toContain(
      "<strong>Due </strong><em>Friday</em><br><strong>@Ada Park</strong>",
    );
    expect(mail.html).toContain("<code>W-9</code>");
    expect(mail.html).toMatch(/<blockquote[^>]*><p[^>]*>as discussed<\/p><\/blockquote>/);
    expect(mail.text).toBe("Due Friday\n@Ada Park see W-9\n\n> as discussed");
  });

  it("escapes what people wrote and keeps only http, https and mailto links", () => {
    const link = (href: string) => [{ type: "link", attrs: { href } }];
    const body = doc(
      paragraph(text('<img src=x onerror="alert(1)"> & co')),
      paragraph(text("portal", link("https://example.test/a?b=1&c=2"))),
      paragraph(text("run me", link("javascript:alert(1)"))),
      paragraph(text("write", link("mailto:ada@example.test"))),
    );
    const mail = renderRichTextForMail(body);
    expect(mail.html).not.toContain("<img");
    expect(mail.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; co");
    expect(mail.html).toContain('<a href="https://example.test/a?b=1&amp;c=2">portal</a>');
    expect(mail.html).not.toContain("javascript:");
    expect(mail.html).toContain("run me");
    expect(mail.html).toContain('<a href="mailto:ada@example.test">write</a>');
    expect(mail.text).toContain("portal (https://example.test/a?b=1&c=2)");
    expect(mail.text).not.toContain("javascript:");
  });

  it("shortens a long body to the budget, ending with an ellipsis", () => {
    const body = doc(
      paragraph(text("a".repeat(30))),
      { type: "bulletList", content: [item(paragraph(text("b".repeat(30))))] },
      paragraph(text("never shown")),
    );
    const mail = renderRichTextForMail(body, { maxChars: 40 });
    expect(mail.text).toBe(`${"a".repeat(30)}\n\n- ${"b".repeat(9)}…`);
    expect(mail.html).toContain(`${"b".repeat(9)}…</p></li></ul>`);
    expect(mail.html).not.toContain("never shown");
  });

  it("says so when a body has no text", () => {
    expect(renderRichTextForMail(doc())).toEqual({ html: "<p>(no text)</p>", text: "(no text)" });
  });
});
