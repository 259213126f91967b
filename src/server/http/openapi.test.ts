import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../../test/app.js";
import { endpoints } from "../../shared/api/endpoints.js";

const root = join(import.meta.dirname, "..", "..", "..");
const run = promisify(execFile);

type Operation = {
  operationId?: string;
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
};

let t: TestApp;
let document: { paths: Record<string, Record<string, Operation>> };
/** A scratch folder inside node_modules, so files in it resolve the installed packages. */
let scratch: string;

beforeAll(async () => {
  t = await createTestApp();
  document = (await t.request({ method: "GET", url: "/api/openapi.json" })).json();
  await mkdir(join(root, "node_modules", ".cache"), { recursive: true });
  scratch = await mkdtemp(join(root, "node_modules", ".cache", "portico-openapi-"));
});
afterAll(async () => {
  await t.close();
  await rm(scratch, { recursive: true, force: true });
});

const operations = () =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );

describe("the OpenAPI document", () => {
  it("has one operation per contract endpoint, named by its operationId", () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.toSorted()).toEqual(Object.keys(endpoints).toSorted());
  });

  it("documents every operation's 4xx answers with the error schema", () => {
    for (const { path, method, operation } of operations()) {
      const errors = Object.entries(operation.responses).filter(([status]) => status >= "400");
      expect(errors.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const [status, answer] of errors) {
        expect(
          answer.content?.["application/json"]?.schema?.$ref,
          `${method} ${path} ${status}`,
        ).toBe("#/components/schemas/ApiError");
      }
    }
  });

  it("passes Redocly's recommended lint with no errors", async () => {
    const file = join(scratch, "openapi.json");
    await writeFile(file, JSON.stringify(document));
    const cli = join(root, "node_modules", "@redocly", "cli", "bin", "cli.js");
    // The lint exits non-zero when it finds errors; its JSON report says which.
    const { stdout } = await run(process.execPath, [cli, "lint", file, "--format=json"]).catch(
      (failed: { stdout: string }) => failed,
    );
    const report = JSON.parse(stdout) as {
      totals: { errors: number };
      problems: { ruleId: string; severity: string; message: string }[];
    };
    expect(report.problems.filter((problem) => problem.severity === "error")).toEqual([]);
    expect(report.totals.errors).toBe(0);
  });

  it("generates a client with openapi-typescript whose typed calls compile, and misuse does not", async () => {
    await writeFile(join(scratch, "schema.d.ts"), astToString(await openapiTS(document as never)));
    const callFile = join(scratch, "call.ts");
    await writeFile(
      callFile,
      `import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

const client = createClient<paths>({ baseUrl: "http://127.0.0.1:3000" });

export async function listEmails(clientId: string): Promise<(string | null)[]> {
  const { data, error } = await client.GET("/api/clients/{clientId}/contacts", {
    params: { path: { clientId } },
  });
  if (error) throw new Error(error.error.code);
  return data.contacts.map((contact) => contact.email);
}

export async function send(conversationId: string): Promise<components["schemas"]["Message"]> {
  const { data, error } = await client.POST("/api/conversations/{conversationId}/messages", {
    params: { path: { conversationId } },
    body: { id: crypto.randomUUID(), body: { type: "doc" }, internal: true },
  });
  if (error) throw new Error(error.error.message);
  // @ts-expect-error A message's sequence number is a number.
  const seq: string = data.seq;
  return { ...data, seq: Number(seq) };
}
`,
    );
    const program = ts.createProgram([callFile], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
      types: [],
      skipLibCheck: true,
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    expect(problems).toEqual([]);
  });
});
