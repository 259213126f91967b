import type {
  ContextConfigDefault,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteOptions,
} from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Endpoint } from "../../shared/api/endpoint.js";
import { type EndpointName, type Endpoints, endpoints } from "../../shared/api/endpoints.js";
import { apiErrorSchema } from "../../shared/errors.js";

/** Fastify's route schema for an endpoint: its inputs, its answers and its 4xx errors. */
type RouteSchemaOf<E extends Endpoint> = {
  operationId: string;
  tags: readonly string[];
  summary: string;
  params: E["params"];
  querystring: E["query"];
  body: E["body"];
  response: E["responses"] & { [Status in E["errors"][number]]: typeof apiErrorSchema };
};

/** Everything Fastify's route options take besides what the contract already says. */
export type EndpointRouteOptions<E extends Endpoint> = Omit<
  RouteOptions<
    RawServerDefault,
    RawRequestDefaultExpression,
    RawReplyDefaultExpression,
    RouteGenericInterface,
    ContextConfigDefault,
    RouteSchemaOf<E>,
    ZodTypeProvider
  >,
  "method" | "url" | "schema"
>;

/** The route schema Fastify validates and serializes with, and the OpenAPI document shows. */
function routeSchemaOf(name: EndpointName) {
  const endpoint: Endpoint = endpoints[name];
  const { params, query: querystring, body } = endpoint;
  return {
    operationId: name,
    tags: endpoint.tags,
    summary: endpoint.summary,
    ...(endpoint.access === "anyone" && { security: [] }),
    // Fastify warns about schema keys that are present but undefined.
    ...(params && { params }),
    ...(querystring && { querystring }),
    ...(body && { body }),
    ...(endpoint.upload && { consumes: ["multipart/form-data"] }),
    response: {
      ...endpoint.responses,
      ...Object.fromEntries(endpoint.errors.map((status) => [status, apiErrorSchema])),
    },
  };
}

/**
 * Registers the route of a contract endpoint: method, path and schemas come from the contract, so
 * the handler is typed by it and the OpenAPI document describes it.
 */
export function addEndpointRoute<Name extends EndpointName>(
  app: FastifyInstance,
  name: Name,
  options: EndpointRouteOptions<Endpoints[Name]>,
) {
  const endpoint: Endpoint = endpoints[name];
  const config = endpoint.crossSite ? { ...options.config, allowCrossSite: true } : options.config;
  app.route({
    ...options,
    config,
    method: endpoint.method,
    url: endpoint.path,
    schema: routeSchemaOf(name),
  } as RouteOptions);
}
