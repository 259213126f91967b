import { describe, expect, it } from "vitest";
import { sameSitePath } from "./auth.js";

const origin = "https://portal.example.com";
const next = (value: string | null) => sameSitePath(value, origin, "/clients");

describe("the page opened after sign-in", () => {
  it("follows paths on this site, with their query and fragment", () => {
    expect(next("/clients/42?tab=contacts#top")).toBe("/clients/42?tab=contacts#top");
    expect(next("/portal")).toBe("/portal");
    // An escaped backslash stays a character of the path on this site.
    expect(next("/%5Cevil.test/x")).toBe("/%5Cevil.test/x");
  });

  it("falls back for anything that leaves the site, however it is spelled", () => {
    for (const leaving of [
      "//evil.test/x",
      "/\\evil.test/x",
      "/\\/evil.test/x",
      "\\\\evil.test/x",
      "/\t/evil.test/x",
      "/\n/evil.test/x",
      "/\t\\evil.test",
      "https://evil.test/x",
      "javascript:alert(1)",
      "evil.test",
      "",
    ]) {
      expect(next(leaving), JSON.stringify(leaving)).toBe("/clients");
    }
    expect(next(null)).toBe("/clients");
  });
});
