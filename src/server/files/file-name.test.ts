import { describe, expect, it } from "vitest";
import { isStorableText } from "../../shared/api/fields.js";
import { cleanFileName } from "./file-name.js";

describe("the name an uploaded file is shown with", () => {
  it("keeps an ordinary name as it was, accents and all", () => {
    expect(cleanFileName("Jahresabschluss 2025 – Müller & Söhne.pdf")).toBe(
      "Jahresabschluss 2025 – Müller & Söhne.pdf",
    );
  });

  it("drops folders, control characters and direction marks, and squeezes spaces", () => {
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("C:\\Users\\ada\\  scan\t\t01 .pdf")).toBe("scan 01 .pdf");
    expect(cleanFileName("invoice\u202Efdp.exe")).toBe("invoicefdp.exe");
    expect(cleanFileName("a\u0000b\u0007c.txt")).toBe("abc.txt");
  });

  it("never gives text the database cannot store", () => {
    const name = cleanFileName("half \uD800 a pair.txt");
    expect(isStorableText(name)).toBe(true);
    expect(name).toBe("half \uFFFD a pair.txt");
  });

  it("shortens a very long name but keeps its extension", () => {
    const name = cleanFileName(`${"ä".repeat(500)}.xlsx`);
    expect([...name]).toHaveLength(200);
    expect(name.endsWith(".xlsx")).toBe(true);
  });

  it("names a file that has no usable name 'file'", () => {
    for (const raw of [undefined, "", "   ", "..", "\u202E\u0000"]) {
      expect(cleanFileName(raw)).toBe("file");
    }
  });
});
