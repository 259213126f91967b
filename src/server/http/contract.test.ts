import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { buildClient, buildContact, buildFirm, buildStaff } from "../../../test/factories.js";
import { portalApi } from "../../../test/portal.js";
import type { Endpoint, ErrorStatus } from "../../shared/api/endpoint.js";
import { type EndpointName, endpoints } from "../../shared/api/endpoints.js";
import { apiErrorSchema } from "../../shared/errors.js";

let t: TestApp;
let staffCookie: string;
let contactCookie: string;

beforeAll(async () => {
  t = await createTestApp();
  const firm = await buildFirm(t.database.db);
  const owner = await buildStaff(t.database.db, firm, { role: "owner" });
  const client = await buildClient(t.database.db, firm);
  const contact = await buildContact(t.database.db, client);
  staffCookie = await t.signIn(owner.email);
  contactCookie = await portalApi(t).grantAccess(client, contact, staffCookie);
});
afterAll(() => t.close());

const all = Object.entries(endpoints) as [EndpointName, Endpoint][];
const signedIn = all.filter(([, endpoint]) => endpoint.access !== "anyone");
const forStaff = all.filter(([, endpoint]) => endpoint.access === "staff");
const forContacts = all.filter(([, endpoint]) => endpoint.access === "contact");
// Cross-site endpoints (one-click unsubscribe) need no Origin by design; their own tests cover them.
const stateChanging = all.filter(
  ([, endpoint]) => endpoint.method !== "GET" && !endpoint.crossSite,
);
const withParams = all.filter(([, endpoint]) => endpoint.params);

/** The endpoint's path with well-formed ids that name nothing. */
const pathOf = (endpoint: Endpoint) =>
  endpoint.path.replace(/:(\w+)/g, (_match, name: string) =>
    name === "token" ? "t".repeat(40) : crypto.randomUUID(),
  );

function callEndpoint(
  endpoint: Endpoint,
  options: { cookie?: string; url?: string; origin?: boolean } = {},
) {
  const hasBody = endpoint.method !== "GET";
  const request = {
    method: endpoint.method,
    url: options.url ?? pathOf(endpoint),
    cookie: options.cookie,
    ...(hasBody && { payload: {} }),
  };
  if (options.origin !== false) return t.request(request);
  const { cookie, ...withoutCookie } = request;
  return t.app.inject({ ...withoutCookie, headers: cookie ? { cookie } : {} });
}

/** The answer has the status, the contract lists it, and the body has the error shape. */
function expectDocumentedError(
  name: EndpointName,
  response: LightMyRequestResponse,
  status: ErrorStatus,
) {
  expect(response.statusCode, `${name}: ${response.body}`).toBe(status);
  expect(endpoints[name].errors as readonly number[], `${name} lists ${status}`).toContain(status);
  expect(apiErrorSchema.safeParse(response.json()).success, response.body).toBe(true);
}

describe("every endpoint of the API contract", () => {
  it.each(signedIn)("%s answers 401 without a session", async (name, endpoint) => {
    expectDocumentedError(name, await callEndpoint(endpoint), 401);
  });

  it.each(forStaff)("%s answers 403 to a contact's session", async (name, endpoint) => {
    expectDocumentedError(name, await callEndpoint(endpoint, { cookie: contactCookie }), 403);
  });

  it.each(forContacts)("%s answers 403 to a staff session", async (name, endpoint) => {
    expectDocumentedError(name, await callEndpoint(endpoint, { cookie: staffCookie }), 403);
  });

  it.each(
    stateChanging,
  )("%s refuses a signed-in call that did not come from a Portico page with 403", async (name, endpoint) => {
    const cookie = endpoint.access === "contact" ? contactCookie : staffCookie;
    const response = await callEndpoint(endpoint, { cookie, origin: false });
    expectDocumentedError(name, response, 403);
    expect(response.json().error.code).toBe("bad_origin");
  });

  it.each(withParams)("%s answers 400 to a malformed path", async (name, endpoint) => {
    const cookie = endpoint.access === "contact" ? contactCookie : staffCookie;
    const url = endpoint.path.replace(/:(\w+)/g, "not-an-id");
    const response = await callEndpoint(endpoint, { cookie, url });
    expectDocumentedError(name, response, 400);
    expect(Object.keys(response.json().error.fields ?? {}).length).toBeGreaterThan(0);
  });
});
