import type { Locator } from "playwright-core";
import { describe, expect, it } from "vitest";
import { expectNoAxeViolations, openPage, runAppAndBrowser, signInAsStaff } from "./harness.js";

const app = runAppAndBrowser();

describe("staff foundation", () => {
  it("signs in, browses clients, manages contacts, and signs out", async () => {
    const { page, context, problems } = await openPage(app.browser, app.server.url);

    // Signed out, the root shows the sign-in form.
    await page.goto("/");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await expectNoAxeViolations(page, "sign-in");

    // A wrong password gets one clear message.
    await page.getByLabel("Email").fill("ada@northwind.test");
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toContain("do not match an account");

    await signInAsStaff(page, "ada@northwind.test");
    await page.getByRole("heading", { name: "Clients" }).waitFor();
    await page.getByRole("link", { name: "Acme Bakery" }).waitFor();
    const rows = await page.getByRole("row").allTextContents();
    expect(rows).toContain("Acme Bakery3");
    // Name, contacts, and (Globex has demo messages) Ada's unread total when she has one.
    expect(rows).toContainEqual(expect.stringMatching(/^Globex Ltd1(\d+ unread)?$/));
    // Another firm's client never shows.
    expect(rows.join()).not.toContain("Initech");
    await expectNoAxeViolations(page, "client list");

    // Filter by name.
    await page.getByLabel("Filter by name").fill("glob");
    await expect.poll(() => page.getByRole("link", { name: "Acme Bakery" }).count()).toBe(0);
    await page.getByRole("link", { name: "Globex Ltd" }).waitFor();
    await page.getByLabel("Filter by name").fill("");

    await page.getByRole("link", { name: "Acme Bakery" }).click();
    await page.getByRole("heading", { level: 1, name: "Acme Bakery" }).waitFor();
    const sidebar = page.getByRole("navigation", { name: "Client sections" });
    await sidebar.getByRole("heading", { name: "Communications" }).waitFor();
    await expectNoAxeViolations(page, "client overview");

    await sidebar.getByRole("link", { name: "Contacts" }).click();
    await page.getByRole("heading", { name: "Contacts" }).waitFor();
    await page.getByRole("cell", { name: "dana@acme.test" }).waitFor();
    await expectNoAxeViolations(page, "contacts");

    // A bad e-mail shows an error next to the field; nothing is added.
    await page.getByRole("button", { name: "Add contact" }).click();
    const dialog = page.getByRole("dialog", { name: "Add contact" });
    await dialog.getByLabel("Name").fill("Hana Moss");
    await dialog.getByLabel("Email").fill("hana-at-acme");
    await dialog.getByRole("button", { name: "Add contact" }).click();
    const emailField = dialog.getByLabel("Email");
    await expect.poll(() => emailField.getAttribute("aria-invalid")).toBe("true");
    expect(await dialog.textContent()).toContain("Enter a valid e-mail address");
    await expectNoAxeViolations(page, "add contact dialog with an error");

    // A good one appears in the list.
    await emailField.fill("hana@acme.test");
    await dialog.getByRole("button", { name: "Add contact" }).click();
    await page.getByRole("cell", { name: "hana@acme.test" }).waitFor();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.getByRole("row", { name: /Hana Moss/ }).textContent()).toContain("No access");

    // Sign out, then a protected page sends us to sign-in.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");
    await page.goto("/clients");
    await page.waitForURL(/\/sign-in\?next=%2Fclients$/);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });
});

describe("page loads", () => {
  it("log no console warning or error on any screen, staff or portal", async () => {
    const { page, context, problems, consoleOutput } = await openPage(app.browser, app.server.url);
    const heading = (name: string, level = 1) => page.getByRole("heading", { level, name });
    const firstMessage = () =>
      page.getByRole("region", { name: "Message history" }).locator("li[data-message-id]").first();
    /** Once the screen shows `shown`, a fresh load of it shows it again. */
    const reloadShows = async (shown: Locator) => {
      await shown.waitFor();
      await page.reload();
      await shown.waitFor();
    };

    for (const [path, title] of [
      ["/sign-in", "Sign in"],
      ["/portal/sign-in", "Sign in"],
      ["/portal/forgot-password", "Forgot your password?"],
    ] as const) {
      await page.goto(path);
      await heading(title).waitFor();
    }

    await signInAsStaff(page, "ada@northwind.test");
    await reloadShows(page.getByRole("link", { name: "Globex Ltd" }));
    await page.getByRole("link", { name: "Globex Ltd" }).click();
    await reloadShows(heading("Globex Ltd"));
    const sidebar = page.getByRole("navigation", { name: "Client sections" });
    await sidebar.getByRole("link", { name: /^Messages/ }).click();
    await reloadShows(firstMessage());
    await sidebar.getByRole("link", { name: "Contacts" }).click();
    await reloadShows(page.getByRole("cell", { name: "gus@globex.test" }));
    await page.goto("/outbox");
    await heading("Outbox").waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/sign-in");

    await page.goto("/portal/sign-in");
    await page.getByLabel("Email").fill("gus@globex.test");
    await page.getByLabel("Password").fill("demo-password");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await firstMessage().waitFor();
    await reloadShows(firstMessage());

    expect(consoleOutput).toEqual([]);
    expect(problems).toEqual([]);

    // The built app's scripts are served; their source maps are not.
    const script = await page.locator("script[src]").first().getAttribute("src");
    expect((await page.request.get(script ?? "")).status()).toBe(200);
    expect((await page.request.get(`${script}.map`)).status()).toBe(404);
    await context.close();
  });
});
