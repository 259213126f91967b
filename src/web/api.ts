import type { EndpointInput, EndpointOutput } from "../shared/api/endpoint.js";
import type { EndpointName, Endpoints } from "../shared/api/endpoints.js";
import { type HttpMethod, routes } from "../shared/api/routes.js";
import type { ApiError } from "../shared/errors.js";

/** A failed API call, carrying the server's `{ error: { code, message, fields } }`. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Sends one request; answers the parsed JSON (null for 204) or throws ApiRequestError. */
async function send(method: HttpMethod, url: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiRequestError(0, "network", "Could not reach the server. Check your connection.");
  }
  if (response.status === 204) return null;
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (payload as { error?: ApiError } | null)?.error;
    throw new ApiRequestError(
      response.status,
      error?.code ?? "http_error",
      error?.message ?? `The server answered ${response.status}.`,
      error?.fields,
    );
  }
  return payload;
}

function urlOf(path: string, params: object = {}, query: object = {}): string {
  const filled = path.replace(/:(\w+)/g, (_match, name: string) =>
    encodeURIComponent(String((params as Record<string, unknown>)[name])),
  );
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `${filled}?${text}` : filled;
}

type CallInput<Name extends EndpointName> = EndpointInput<Endpoints[Name]>;
/** The input may be left out when nothing in it is required. */
type CallArgs<Name extends EndpointName> =
  object extends CallInput<Name> ? [input?: CallInput<Name>] : [input: CallInput<Name>];

/**
 * Calls an endpoint of the API contract by name. Its params, query and body are typed by the
 * endpoint's schemas and so is the answer: a changed shape fails the compiler, not a user.
 */
export async function call<Name extends EndpointName>(
  name: Name,
  ...[input]: CallArgs<Name>
): Promise<EndpointOutput<Endpoints[Name]>> {
  const { method, path } = routes[name];
  const { params, query, body } = (input ?? {}) as {
    params?: object;
    query?: object;
    body?: unknown;
  };
  return (await send(method, urlOf(path, params, query), body)) as EndpointOutput<Endpoints[Name]>;
}

/** Posts to a sign-in endpoint of the auth library (outside our contract); answers its parsed JSON. */
export async function postToAuth(path: `/api/auth/${string}`, body: object): Promise<unknown> {
  return send("POST", path, body);
}

/** True for the refusal every staff API gives while the firm requires two-factor and it is not set up. */
export const isTwoFactorSetupRequired = (error: unknown) =>
  error instanceof ApiRequestError && error.code === "two_factor_setup_required";

export const isUnauthenticated = (error: unknown) =>
  error instanceof ApiRequestError && error.status === 401;

/**
 * Whether trying the same request again may succeed: a lost connection, a busy or failing
 * server. Any other refusal (bad input, no access, not found, a conflict) will be the same.
 */
export const isRetryable = (error: unknown) =>
  !(error instanceof ApiRequestError) ||
  error.status === 0 ||
  error.status === 408 ||
  error.status === 429 ||
  error.status >= 500;
