import { describe, expect, it } from "vitest";
import { membersLine } from "./threadMembers.js";
import { invitationTokenOf } from "./useInvitationFirmName.js";

describe("who is in a thread, as a contact reads it", () => {
  it("names the reader first, then the others, joined as a sentence", () => {
    expect(membersLine(["Eli Stone", "Northwind Accounting"])).toBe(
      "You, Eli Stone and Northwind Accounting",
    );
    expect(membersLine(["Northwind Accounting"])).toBe("You and Northwind Accounting");
    expect(membersLine([])).toBe("Only you");
  });
});

describe("the invitation a sign-in page was reached from", () => {
  const token = "abcdefghijklmnopqrstuvwxyz_-0123";
  it("reads it from the way back to the invitation, or from the spent link's own parameter", () => {
    expect(invitationTokenOf(`?next=${encodeURIComponent(`/portal/invitation/${token}`)}`)).toBe(
      token,
    );
    expect(invitationTokenOf(`?invitation=${token}`)).toBe(token);
  });

  it("ignores other ways back and anything that is not a token", () => {
    expect(invitationTokenOf("?next=%2Fportal%2Fclients%2Fabc")).toBeNull();
    expect(
      invitationTokenOf("?next=https%3A%2F%2Fevil.test%2Fportal%2Finvitation%2Fabc"),
    ).toBeNull();
    expect(invitationTokenOf("?invitation=short")).toBeNull();
    expect(invitationTokenOf("")).toBeNull();
  });
});
