import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { pdfBytes } from "../test/files.js";
import {
  expectNoAxeViolations,
  openPage,
  runAppAndBrowser,
  signInAsContact,
  signInAsStaff,
} from "./harness.js";

const app = runAppAndBrowser({ env: { SIGN_IN_RATE_LIMIT: "100" } });

/** How long another person's action may take to show up without a reload. */
const live = { timeout: 5_000 };

const thread = (page: Page) => page.getByRole("region", { name: "Message history" });
const composer = (page: Page) => page.getByRole("textbox", { name: "Message", exact: true });
const messageRow = (page: Page, text: string) =>
  thread(page).locator("li[data-message-id]").filter({ hasText: text });
const fileInput = (page: Page) => page.locator('input[type="file"]');
const sendButton = (page: Page) => page.getByRole("button", { name: "Send", exact: true });

/** Chooses files through the composer's picker and waits until every one has uploaded. */
async function attach(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) {
  await page.getByRole("button", { name: "Attach files" }).waitFor();
  await fileInput(page).setInputFiles(files);
  const chips = page.getByRole("list", { name: "Files to send" });
  for (const file of files) await chips.getByText(file.name).waitFor();
  await expect.poll(() => sendButton(page).isEnabled()).toBe(true);
}

describe("files in messages", () => {
  it("sends files both ways, shows images, and keeps a note's file from the contact", async () => {
    const pdf = pdfBytes("Year-end accounts");
    const png = await sharp({
      create: { width: 320, height: 200, channels: 3, background: { r: 30, g: 90, b: 200 } },
    })
      .png()
      .toBuffer();
    const noteFileName = "staff-only-working-paper.txt";

    // Ada opens Acme's All Contacts thread and sends a PDF and a PNG.
    const ada = await openPage(app.browser, app.server.url);
    await signInAsStaff(ada.page, "ada@northwind.test");
    await ada.page.goto("/clients");
    await ada.page.getByRole("link", { name: "Acme Bakery" }).click();
    await ada.page
      .getByRole("navigation", { name: "Client sections" })
      .getByRole("link", { name: /^Messages/ })
      .click();
    await ada.page.getByRole("button", { name: "Start Conversation" }).click();
    await ada.page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();
    await attach(ada.page, [
      { name: "accounts.pdf", mimeType: "application/pdf", buffer: pdf },
      { name: "receipt.png", mimeType: "image/png", buffer: png },
    ]);
    await expectNoAxeViolations(ada.page, "composer with files ready to send");
    await composer(ada.page).click();
    await ada.page.keyboard.type("Your year-end pack");
    await sendButton(ada.page).click();
    const sent = messageRow(ada.page, "Your year-end pack");
    await sent.getByRole("link", { name: "Download accounts.pdf" }).waitFor();
    await sent.getByRole("button", { name: "View receipt.png" }).waitFor();
    await expectNoAxeViolations(ada.page, "thread with attachment cards");

    // An internal note with a text file.
    await ada.page.getByLabel("Internal note").click();
    await attach(ada.page, [
      { name: noteFileName, mimeType: "text/plain", buffer: Buffer.from("for the team only") },
    ]);
    await composer(ada.page).click();
    await ada.page.keyboard.type("Working paper attached");
    await sendButton(ada.page).click();
    const note = messageRow(ada.page, "Working paper attached");
    await note.getByText(noteFileName).waitFor();
    // The note's file sits inside the note's frame.
    await note.getByText("Internal note").locator("..").getByText(noteFileName).waitFor();

    // Dana sees the PDF and the thumbnail, opens the image and downloads the PDF.
    const dana = await openPage(app.browser, app.server.url);
    await signInAsContact(dana.page, "dana@acme.test");
    await dana.page
      .getByRole("navigation", { name: "Conversations" })
      .getByRole("link", { name: /All Contacts/ })
      .click();
    const danaSees = messageRow(dana.page, "Your year-end pack");
    const view = danaSees.getByRole("button", { name: "View receipt.png" });
    await view.waitFor();
    await expect
      .poll(() => view.locator("img").evaluate((img) => (img as HTMLImageElement).naturalWidth))
      .toBeGreaterThan(0);
    await view.click();
    const dialog = dana.page.getByRole("dialog", { name: "receipt.png" });
    await dialog.waitFor();
    await expectNoAxeViolations(dana.page, "full image dialog");
    await dana.page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });

    const downloading = dana.page.waitForEvent("download");
    await danaSees.getByRole("link", { name: "Download accounts.pdf" }).click();
    const downloaded = await downloading;
    expect(Buffer.compare(await readFile((await downloaded.path()) ?? ""), pdf)).toBe(0);
    expect(await thread(dana.page).textContent()).not.toContain(noteFileName);
    await expectNoAxeViolations(dana.page, "portal thread with attachments");

    // The portal's Files view lists the PDF and the PNG, never the note's file.
    await dana.page
      .getByRole("navigation", { name: "Portal sections" })
      .getByRole("link", { name: "Files" })
      .click();
    const files = dana.page.getByRole("list", { name: "Files" });
    await files.getByText("accounts.pdf").waitFor();
    await files.getByText("receipt.png").waitFor();
    expect(await files.textContent()).not.toContain(noteFileName);
    await expectNoAxeViolations(dana.page, "portal files view");

    // Ada's Files tab lists all three, the note's file marked.
    await ada.page
      .getByRole("navigation", { name: "Client sections" })
      .getByRole("link", { name: "Files" })
      .click();
    const staffFiles = ada.page.getByRole("list", { name: "Files" });
    await staffFiles.getByText(noteFileName).waitFor();
    await expectNoAxeViolations(ada.page, "staff files tab");
    await ada.page.goBack();
    await ada.page.getByRole("heading", { level: 2, name: "All Contacts" }).waitFor();

    // Dana, on a phone, sends a file alone; Ada sees it arrive without reloading.
    const phone = await openPage(app.browser, app.server.url, {
      viewport: { width: 390, height: 844 },
    });
    await signInAsContact(phone.page, "dana@acme.test");
    await phone.page
      .getByRole("navigation", { name: "Conversations" })
      .getByRole("link", { name: /All Contacts/ })
      .click();
    await attach(phone.page, [
      { name: "signed-letter.pdf", mimeType: "application/pdf", buffer: pdfBytes("signed") },
    ]);
    await expectNoAxeViolations(phone.page, "portal composer with a file at 390 px");
    await sendButton(phone.page).click();
    await thread(phone.page).getByRole("link", { name: "Download signed-letter.pdf" }).waitFor();
    await thread(ada.page).getByRole("link", { name: "Download signed-letter.pdf" }).waitFor(live);
    for (const opened of [ada, dana, phone]) expect(opened.problems).toEqual([]);
  });
});
