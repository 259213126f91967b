import { describe, expect, it } from "vitest";
import { unsubscribeTokenFor } from "../src/server/mail/unsubscribe.js";
import { expectNoAxeViolations, openPage, runAppAndBrowser } from "./harness.js";

const AUTH_SECRET = "e2e-unsubscribe-secret-e2e-unsubscribe-secret";
const app = runAppAndBrowser({ env: { AUTH_SECRET } });

describe("the unsubscribe link of a new-messages e-mail", () => {
  it("turns the e-mails off on opening, says so, and turns them back on", async () => {
    for (const width of [390, 1440]) {
      const { page, context, problems } = await openPage(app.browser, app.server.url, {
        viewport: { width, height: 800 },
      });
      // Dana's contact record at Acme, as the portal knows it.
      const signedIn = await page.request.post("/api/auth/sign-in/email", {
        data: { email: "dana@acme.test", password: "demo-password" },
        headers: { origin: app.server.url },
      });
      expect(signedIn.status()).toBe(200);
      const session = await (await page.request.get("/api/portal/session")).json();
      const acme = session.clients.find(
        (client: { clientName: string }) => client.clientName === "Acme Bakery",
      );
      const preference = () =>
        page.request.get(`/api/portal/clients/${acme.clientId}/mail-preferences`);

      await page.goto(`/unsubscribe/${unsubscribeTokenFor(AUTH_SECRET, acme.contactId)}`);
      await page.getByRole("heading", { name: "You are unsubscribed" }).waitFor();
      await page.getByText(/no longer get e-mails about new messages from/).waitFor();
      expect(await (await preference()).json()).toEqual({ messageEmails: false });
      await expectNoAxeViolations(page, `unsubscribed at ${width} px`);

      await page.getByRole("button", { name: "Turn e-mails back on" }).click();
      await page.getByRole("heading", { name: "You will get e-mails again" }).waitFor();
      expect(await (await preference()).json()).toEqual({ messageEmails: true });
      await expectNoAxeViolations(page, `subscribed again at ${width} px`);
      expect(problems).toEqual([]);
      await context.close();
    }
  });

  it("explains a link that does not work", async () => {
    const { page, context, problems } = await openPage(app.browser, app.server.url);
    await page.goto(
      `/unsubscribe/${unsubscribeTokenFor("some-other-secret-entirely-x", crypto.randomUUID())}`,
    );
    await page.getByRole("heading", { name: "This link does not work" }).waitFor();
    await page.getByText("This unsubscribe link does not work any more.").waitFor();
    await expectNoAxeViolations(page, "a broken unsubscribe link");
    expect(problems).toEqual([]);
    await context.close();
  });
});
