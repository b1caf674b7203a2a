import type { Request, Response } from 'express';

/** What the request log reports about a request; handlers fill in who the caller was. */
export interface RequestContext {
  requestId: string;
  tenantId?: string;
  clientId?: string;
  userId?: string;
  /** Kind and message of the error the request ended with, never tokens or personal data. */
  error?: string;
}

const KEY = 'sigmaRequestContext';

export function requestContextOf(res: Response): RequestContext | undefined {
  return (res.locals as Record<string, RequestContext | undefined>)[KEY];
}

export function attachRequestContext(res: Response, context: RequestContext): RequestContext {
  (res.locals as Record<string, RequestContext>)[KEY] = context;
  return context;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined;
}

/**
 * The request's query parameters, as `req.query` reads them. Express parses the query string anew
 * on every read of `req.query`; a URL without one (most requests on the hot paths) skips that.
 */
export function queryOf(req: Pick<Request, 'url' | 'query'>): Record<string, unknown> {
  return req.url.includes('?') ? ((req.query ?? {}) as Record<string, unknown>) : {};
}

/** Tenant and client as the request itself names them (query or header), when well-formed. */
export function callerHintsOf(req: Request): Pick<RequestContext, 'tenantId' | 'clientId'> {
  const query = queryOf(req);
  const tenantId = firstString(query['tenant_id']) ?? firstString(req.headers['x-tenant-id']);
  const clientId = firstString(query['client_id']) ?? firstString(req.headers['x-client-id']);
  return {
    tenantId: tenantId !== undefined && UUID.test(tenantId) ? tenantId : undefined,
    clientId: clientId !== undefined && CLIENT_ID.test(clientId) ? clientId : undefined,
  };
}

const ROUTE_LABEL = 'sigmaRouteLabel';

/** Names the route of a request answered outside Express routing (the gateway's proxy), for metrics. */
export function setRouteLabel(res: Response, label: string): void {
  (res.locals as Record<string, string>)[ROUTE_LABEL] = label;
}

export function routeLabelOf(res: Response): string | undefined {
  return (res.locals as Record<string, string | undefined>)[ROUTE_LABEL];
}
