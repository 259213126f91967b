import type { Locator, Page } from "playwright-core";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { exeBytes, pdfBytes } from "../test/files.js";
import {
  expectNoAxeViolations,
  holdRequests,
  openPage,
  runAppAndBrowser,
  signInAsContact,
  signInAsStaff,
} from "./harness.js";

// A small file limit, so a refused "too large" file is quick to make.
const app = runAppAndBrowser({ env: { SIGN_IN_RATE_LIMIT: "100", ATTACHMENT_MAX_MB: "1" } });

const MB = 1024 * 1024;

const thread = (page: Page) => page.getByRole("region", { name: "Message history" });
const composer = (page: Page) => page.getByRole("textbox", { name: "Message", exact: true });
const messageRow = (page: Page, text: string) =>
  thread(page).locator("li[data-message-id]").filter({ hasText: text });
const sendButton = (page: Page) => page.getByRole("button", { name: "Send", exact: true });
const pendingFiles = (page: Page) => page.getByRole("list", { name: "Files to send" });
const chip = (page: Page, name: string) =>
  pendingFiles(page).getByRole("listitem").filter({ hasText: name });

const pngOf = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 20, g: 120, b: 60 } } })
    .png()
    .toBuffer();

type FileToDrop = { name: string; type: string; bytes: Buffer };

/** Ada's view of Acme Bakery's All Contacts thread, started if it does not exist yet. */
async function openAcmeThread(page: Page) {
  await page.goto("/clients");
  await page.getByRole("link", { name: "Acme Bakery" }).click();
  await page
    .getByRole("navigation", { name: "Client sections" })
    .getByRole("link", { name: /^Messages/ })
    .click();
  const heading = page.getByRole("heading", { level: 2, name: "All Contacts" });
  const start = page.getByRole("button", { name: "Start Conversation" });
  const listed = page
    .getByRole("navigation", { name: "Conversations" })
    .getByRole("link", { name: /All Contacts/ });
  await heading.or(start).or(listed).first().waitFor();
  if (await start.isVisible()) await start.click();
  else if (!(await heading.isVisible())) await listed.click();
  await heading.waitFor();
}

/** Builds a DataTransfer holding the files inside the page, as a drag or a clipboard carries them. */
function dataTransferOf(page: Page, files: FileToDrop[]) {
  return page.evaluateHandle(
    (list) => {
      const transfer = new DataTransfer();
      for (const file of list) {
        const bytes = Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0));
        transfer.items.add(new File([bytes], file.name, { type: file.type }));
      }
      return transfer;
    },
    files.map((file) => ({
      name: file.name,
      type: file.type,
      base64: file.bytes.toString("base64"),
    })),
  );
}

/**
 * Staff's editor is built as the thread opens, behind a text box of the same name: files go to
 * the editor, not to a box that is being replaced under the event.
 */
const editorBuilt = (page: Page) =>
  page.getByRole("toolbar", { name: "Message formatting" }).waitFor();

/** Drags files from outside the browser and drops them on the composer's text box. */
async function dropFiles(page: Page, files: FileToDrop[]) {
  await editorBuilt(page);
  const dataTransfer = await dataTransferOf(page, files);
  await composer(page).dispatchEvent("dragenter", { dataTransfer });
  await composer(page).dispatchEvent("dragover", { dataTransfer });
  await composer(page).dispatchEvent("drop", { dataTransfer });
}

/** Pastes files into the composer's text box, as after copying them in a file manager. */
async function pasteFiles(page: Page, files: FileToDrop[]) {
  await editorBuilt(page);
  const dataTransfer = await dataTransferOf(page, files);
  await composer(page).focus();
  await composer(page).evaluate((box, clipboardData) => {
    box.dispatchEvent(
      new ClipboardEvent("paste", { clipboardData, bubbles: true, cancelable: true }),
    );
  }, dataTransfer);
}

const widths = [390, 768, 1440];

/** Nothing sticks out sideways: a page that scrolls horizontally has lost its layout. */
const scrollsSideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

const isFocusedButton = (page: Page, name: string) =>
  page.evaluate((label) => document.activeElement?.getAttribute("aria-label") === label, name);

const inDialog = (dialog: Locator) =>
  dialog.evaluate((element) => element.contains(document.activeElement));

describe("files in the composer, the edit form and the Files views", () => {
  it("takes dropped and pasted files, says beside a refused file why, and sends the rest", async () => {
    const ada = await openPage(app.browser, app.server.url);
    await signInAsStaff(ada.page, "ada@northwind.test");
    await openAcmeThread(ada.page);
    await ada.page.getByRole("button", { name: "Attach files" }).waitFor();

    await dropFiles(ada.page, [
      { name: "dropped-invoice.pdf", type: "application/pdf", bytes: pdfBytes("dropped") },
      {
        name: "huge-scan.pdf",
        type: "application/pdf",
        bytes: Buffer.concat([pdfBytes("huge"), Buffer.alloc(2 * MB, 7)]),
      },
      { name: "setup.pdf", type: "application/pdf", bytes: exeBytes() },
    ]);
    await pasteFiles(ada.page, [
      { name: "pasted-chart.png", type: "image/png", bytes: await pngOf(120, 80) },
      { name: "mistake.txt", type: "text/plain", bytes: Buffer.from("not this one") },
    ]);
    for (const name of [
      "dropped-invoice.pdf",
      "huge-scan.pdf",
      "setup.pdf",
      "pasted-chart.png",
      "mistake.txt",
    ]) {
      await chip(ada.page, name).waitFor();
    }
    // Each refused file says why beside its own name.
    await chip(ada.page, "huge-scan.pdf").getByText("Too large").waitFor();
    await chip(ada.page, "setup.pdf")
      .getByText(/^Not allowed: Files of this kind/)
      .waitFor();
    expect(await chip(ada.page, "dropped-invoice.pdf").textContent()).not.toMatch(
      /Too large|Not allowed|failed/,
    );
    await expect.poll(() => sendButton(ada.page).isEnabled()).toBe(true);
    await expectNoAxeViolations(ada.page, "composer with refused and ready files");

    // A chip is removed with its own button, by keyboard.
    await chip(ada.page, "mistake.txt").getByRole("button", { name: "Remove mistake.txt" }).focus();
    await ada.page.keyboard.press("Enter");
    await expect.poll(() => chip(ada.page, "mistake.txt").count()).toBe(0);

    await composer(ada.page).click();
    await ada.page.keyboard.type("Invoice and chart attached");
    await sendButton(ada.page).click();
    const sent = messageRow(ada.page, "Invoice and chart attached");
    await sent.getByRole("link", { name: "Download dropped-invoice.pdf" }).waitFor();
    await sent.getByRole("button", { name: "View pasted-chart.png" }).waitFor();
    const sentText = (await sent.textContent()) ?? "";
    for (const name of ["huge-scan.pdf", "setup.pdf", "mistake.txt"]) {
      expect(sentText).not.toContain(name);
    }
    // The refused files stay with their reasons until removed; the sent ones are gone.
    await chip(ada.page, "huge-scan.pdf").getByText("Too large").waitFor();
    expect(await chip(ada.page, "dropped-invoice.pdf").count()).toBe(0);
    expect(ada.problems).toEqual([]);
  });

  it("keeps a file added, and the note switch turned, while the last message was on its way", async () => {
    const ada = await openPage(app.browser, app.server.url);
    await signInAsStaff(ada.page, "ada@northwind.test");
    await openAcmeThread(ada.page);
    await editorBuilt(ada.page);
    const sending = await holdRequests(ada.page, /\/api\/conversations\/[^/]+\/messages$/, "POST");
    await composer(ada.page).click();
    await ada.page.keyboard.type("Sent before the next was ready");
    await sendButton(ada.page).click();
    await sending.requested;

    // While it is on its way, Ada starts the next one: a note, with a file.
    const noteSwitch = ada.page.getByRole("switch", { name: "Internal note" });
    await noteSwitch.click();
    await ada.page
      .locator('input[type="file"]')
      .setInputFiles([
        { name: "for-the-team.txt", mimeType: "text/plain", buffer: Buffer.from("next") },
      ]);
    await chip(ada.page, "for-the-team.txt").waitFor();
    sending.release();
    const first = messageRow(ada.page, "Sent before the next was ready");
    await first.waitFor();
    await expect.poll(() => composer(ada.page).textContent()).toBe("");
    expect(await first.textContent()).not.toContain("for-the-team.txt");
    expect(await first.textContent()).not.toContain("Internal note");
    expect(await noteSwitch.getAttribute("aria-checked")).toBe("true");
    await chip(ada.page, "for-the-team.txt").waitFor();

    await expect.poll(() => sendButton(ada.page).isEnabled()).toBe(true);
    await sendButton(ada.page).click();
    const note = thread(ada.page)
      .locator("li[data-message-id]")
      .filter({ has: ada.page.getByRole("link", { name: "Download for-the-team.txt" }) });
    await note.waitFor();
    expect(await note.textContent()).toContain("Internal note");
    expect(ada.problems).toEqual([]);
  });

  it("shows each upload's progress, holds Send until uploads finish, and says when one failed", async () => {
    const ada = await openPage(app.browser, app.server.url);
    await signInAsStaff(ada.page, "ada@northwind.test");
    await openAcmeThread(ada.page);
    await ada.page.getByRole("button", { name: "Attach files" }).waitFor();
    // The upload of one file is held back until the test lets it go; another's connection drops.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await ada.page.route("**/api/uploads", async (route) => {
      const body = route.request().postDataBuffer()?.toString("latin1") ?? "";
      if (body.includes('filename="lost-connection.pdf"')) return route.abort("connectionreset");
      await held;
      await route.continue();
    });
    await ada.page.locator('input[type="file"]').setInputFiles([
      { name: "slow-statement.pdf", mimeType: "application/pdf", buffer: pdfBytes("slow") },
      { name: "lost-connection.pdf", mimeType: "application/pdf", buffer: pdfBytes("lost") },
    ]);
    const slow = chip(ada.page, "slow-statement.pdf");
    await slow.getByRole("progressbar", { name: "Uploading slow-statement.pdf" }).waitFor();
    await chip(ada.page, "lost-connection.pdf").getByText("Upload failed").waitFor();
    await composer(ada.page).click();
    await ada.page.keyboard.type("Statement to follow");
    const waiting = ada.page.getByRole("button", { name: "Uploading…" });
    expect(await waiting.isDisabled()).toBe(true);
    await expectNoAxeViolations(ada.page, "composer with an upload in progress and a failed one");

    release();
    await expect.poll(() => slow.getByRole("progressbar").count()).toBe(0);
    await expect.poll(() => sendButton(ada.page).isEnabled()).toBe(true);
    await sendButton(ada.page).click();
    const sent = messageRow(ada.page, "Statement to follow");
    await sent.getByRole("link", { name: "Download slow-statement.pdf" }).waitFor();
    expect(await sent.textContent()).not.toContain("lost-connection.pdf");
    expect(ada.problems).toEqual([]);
  });

  it("opens an image by keyboard, keeps focus in the dialog, and closes it with Escape", async () => {
    const ada = await openPage(app.browser, app.server.url);
    await signInAsStaff(ada.page, "ada@northwind.test");
    await openAcmeThread(ada.page);
    await ada.page.getByRole("button", { name: "Attach files" }).waitFor();
    await pasteFiles(ada.page, [
      { name: "shopfront.png", type: "image/png", bytes: await pngOf(640, 400) },
    ]);
    await chip(ada.page, "shopfront.png").waitFor();
    await expect.poll(() => sendButton(ada.page).isEnabled()).toBe(true);
    await composer(ada.page).click();
    await ada.page.keyboard.type("The new shopfront");
    await sendButton(ada.page).click();

    const view = messageRow(ada.page, "The new shopfront").getByRole("button", {
      name: "View shopfront.png",
    });
    await view.focus();
    await ada.page.keyboard.press("Enter");
    const dialog = ada.page.getByRole("dialog", { name: "shopfront.png" });
    await dialog.waitFor();
    await expect.poll(() => inDialog(dialog)).toBe(true);
    await expect
      .poll(() =>
        dialog
          .getByRole("img", { name: "shopfront.png" })
          .evaluate((img) => (img as HTMLImageElement).naturalWidth),
      )
      .toBe(640);
    // Tab cycles inside the dialog rather than escaping to the page behind it.
    for (let press = 0; press < 3; press++) {
      await ada.page.keyboard.press("Tab");
      expect(await inDialog(dialog)).toBe(true);
    }
    await expectNoAxeViolations(ada.page, "image dialog opened by keyboard");
    await ada.page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    // Focus goes back to the thumbnail it was opened from.
    await expect.poll(() => isFocusedButton(ada.page, "View shopfront.png")).toBe(true);

    // Space opens it too, and the Close button closes it.
    await ada.page.keyboard.press("Space");
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Close" }).focus();
    await ada.page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached" });
    expect(ada.problems).toEqual([]);
  });

  it("removes a file in the edit form, can keep it again until Save, and saves without it", async () => {
    const ada = await openPage(app.browser, app.server.url);
    await signInAsStaff(ada.page, "ada@northwind.test");
    await openAcmeThread(ada.page);
    await ada.page.getByRole("button", { name: "Attach files" }).waitFor();
    await ada.page.locator('input[type="file"]').setInputFiles([
      { name: "keep-me.pdf", mimeType: "application/pdf", buffer: pdfBytes("keep") },
      { name: "wrong-year.pdf", mimeType: "application/pdf", buffer: pdfBytes("wrong") },
    ]);
    await chip(ada.page, "wrong-year.pdf").waitFor();
    await expect.poll(() => sendButton(ada.page).isEnabled()).toBe(true);
    await composer(ada.page).click();
    await ada.page.keyboard.type("Two statements");
    await sendButton(ada.page).click();
    const sent = messageRow(ada.page, "Two statements");
    await sent.getByRole("link", { name: "Download wrong-year.pdf" }).waitFor();

    await sent.hover();
    await sent.getByRole("button", { name: "Message actions" }).click();
    await ada.page.getByRole("menuitem", { name: "Edit" }).click();
    const files = sent.getByRole("list", { name: "Files of this message" });
    await files.getByText("wrong-year.pdf").waitFor();
    await files.getByText("keep-me.pdf").waitFor();

    // Remove by keyboard: the same button now offers to keep the file, and keeps focus.
    await files.getByRole("button", { name: "Remove wrong-year.pdf" }).focus();
    await ada.page.keyboard.press("Enter");
    await files.getByRole("button", { name: "Keep wrong-year.pdf" }).waitFor();
    expect(await isFocusedButton(ada.page, "Keep wrong-year.pdf")).toBe(true);
    await files.getByText("Removed when you save").waitFor();
    await expectNoAxeViolations(ada.page, "edit form with a file marked for removal");

    // Undo, then remove again.
    await ada.page.keyboard.press("Enter");
    await files.getByRole("button", { name: "Remove wrong-year.pdf" }).waitFor();
    expect(await files.getByText("Removed when you save").count()).toBe(0);
    await ada.page.keyboard.press("Enter");
    await files.getByRole("button", { name: "Keep wrong-year.pdf" }).waitFor();

    await sent.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => files.count()).toBe(0);
    await sent.getByRole("link", { name: "Download keep-me.pdf" }).waitFor();
    expect(await sent.getByRole("link", { name: "Download wrong-year.pdf" }).count()).toBe(0);

    // Saved on the server, not only on this screen.
    await ada.page.reload();
    await messageRow(ada.page, "Two statements").waitFor();
    // Found by its id from here on: while the edit form loads, the row does not show its text.
    const reloaded = thread(ada.page).locator(
      `li[data-message-id="${await messageRow(ada.page, "Two statements").getAttribute("data-message-id")}"]`,
    );
    await reloaded.getByRole("link", { name: "Download keep-me.pdf" }).waitFor();
    expect(await reloaded.textContent()).not.toContain("wrong-year.pdf");
    expect(await reloaded.textContent()).toContain("(edited)");

    // Cancel leaves every file on the message. By keyboard this time: the reloaded thread may
    // still move as its live connection opens, and a key press cannot land on another row.
    await reloaded.getByRole("button", { name: "Message actions" }).press("Enter");
    await ada.page.getByRole("menuitem", { name: "Edit" }).press("Enter");
    await reloaded.getByRole("button", { name: "Remove keep-me.pdf" }).click();
    await reloaded.getByRole("button", { name: "Cancel" }).click();
    await reloaded.getByRole("link", { name: "Download keep-me.pdf" }).waitFor();
    expect(ada.problems).toEqual([]);
  });

  it("lays out the staff Files tab and the portal's Files at 390, 768 and 1440 px", async () => {
    const ada = await openPage(app.browser, app.server.url);
    await signInAsStaff(ada.page, "ada@northwind.test");
    await openAcmeThread(ada.page);
    await ada.page.getByRole("button", { name: "Attach files" }).waitFor();
    await ada.page.locator('input[type="file"]').setInputFiles([
      {
        name: "a-rather-long-file-name-for-the-annual-accounts-of-acme-bakery-2026.pdf",
        mimeType: "application/pdf",
        buffer: pdfBytes("long name"),
      },
    ]);
    await expect.poll(() => sendButton(ada.page).isEnabled()).toBe(true);
    await sendButton(ada.page).click();
    await thread(ada.page)
      .getByRole("link", { name: /^Download a-rather-long-file-name/ })
      .waitFor();
    await ada.page.getByLabel("Internal note").click();
    await ada.page
      .locator('input[type="file"]')
      .setInputFiles([
        { name: "team-only.txt", mimeType: "text/plain", buffer: Buffer.from("team only") },
      ]);
    await expect.poll(() => sendButton(ada.page).isEnabled()).toBe(true);
    await sendButton(ada.page).click();
    await thread(ada.page).getByRole("link", { name: "Download team-only.txt" }).waitFor();

    await ada.page
      .getByRole("navigation", { name: "Client sections" })
      .getByRole("link", { name: "Files" })
      .click();
    const staffFiles = ada.page.getByRole("list", { name: "Files" });
    await staffFiles.getByText("team-only.txt").waitFor();
    for (const width of widths) {
      await ada.page.setViewportSize({ width, height: 900 });
      await staffFiles.getByText(/^a-rather-long-file-name/).waitFor();
      await staffFiles.getByText("Internal note").first().waitFor();
      expect(await scrollsSideways(ada.page), `staff Files at ${width} px`).toBe(false);
      await expectNoAxeViolations(ada.page, `staff Files tab at ${width} px`);
    }

    const dana = await openPage(app.browser, app.server.url);
    await signInAsContact(dana.page, "dana@acme.test");
    await dana.page
      .getByRole("navigation", { name: "Portal sections" })
      .getByRole("link", { name: "Files" })
      .click();
    const portalFiles = dana.page.getByRole("list", { name: "Files" });
    for (const width of widths) {
      await dana.page.setViewportSize({ width, height: 900 });
      await portalFiles.getByText(/^a-rather-long-file-name/).waitFor();
      expect(await portalFiles.textContent()).not.toContain("team-only.txt");
      expect(await scrollsSideways(dana.page), `portal Files at ${width} px`).toBe(false);
      await expectNoAxeViolations(dana.page, `portal Files at ${width} px`);
    }
    for (const opened of [ada, dana]) expect(opened.problems).toEqual([]);
  });
});
