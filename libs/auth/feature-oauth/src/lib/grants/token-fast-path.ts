import type { NestExpressApplication } from '@nestjs/platform-express';
import { requestMetaOf } from '@sigma/auth/feature-tokens';
import { LOGGER, queryOf, RouteFamily, sendFamilyError, setRouteLabel } from '@sigma/shared/util-http';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { OAuthErrors } from '../oauth-errors';
import { underEveryPrefix } from '../oauth-options';
import { TokenController } from './token.controller';

/** The token endpoint's paths exactly as written; any other spelling takes the ordinary route. */
const TOKEN_PATHS = new Set(underEveryPrefix('token').map((route) => `/${route}`));
/** Token requests are small; a larger body goes the ordinary way, through the body parsers. */
const MAX_BODY_BYTES = 8192;
/** As the urlencoded body parser allows. */
const MAX_PARAMETERS = 1000;
const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** A form body as the urlencoded body parser (`extended: false`) reads it: repeated names become arrays. */
export function parseFormBody(text: string): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  let count = 0;
  for (const [name, value] of new URLSearchParams(text)) {
    count += 1;
    if (count > MAX_PARAMETERS) throw OAuthErrors.invalidRequest('the request has too many parameters');
    if (name === '' || name === '__proto__') continue;
    const seen = Object.hasOwn(params, name) ? params[name] : undefined;
    params[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return params;
}

/** Whether the fast path takes this request: POST on an exact token path with an identity-encoded UTF-8 form of a known, small length. */
function accepted(req: IncomingMessage, limit: number): boolean {
  const { headers } = req;
  if (req.method !== 'POST' || !TOKEN_PATHS.has((req.url ?? '').split('?', 1)[0])) return false;
  if (headers['content-encoding'] !== undefined || headers['transfer-encoding'] !== undefined) return false;
  if (!FORM_TYPE.test(headers['content-type'] ?? '')) return false;
  const length = Number(headers['content-length']);
  return Number.isInteger(length) && length >= 0 && length <= limit;
}

function readBody(req: Request): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Serves the token endpoint ahead of Express's router, the body parsers and Nest (ADR 11): the
 * HTTP server's request listener takes the requests `accepted` describes and hands every other one
 * to the Express application unchanged. A taken request gets what Express's own entry gives it
 * (the request and response prototypes, `locals`), passes the host's request id, request log and
 * metrics middleware, has its small form body read and parsed here, and reaches the same
 * TokenController method Nest would call (whose pipes are identities for these untyped
 * parameters), with the status and headers of its decorators. Errors are answered as the global
 * exception filter answers them (the OAuth body). Other spellings of the path, other content types
 * or encodings, and chunked or larger bodies go through the body parsers to the controller's Nest route.
 */
export function installTokenFastPath(app: NestExpressApplication, http: { bodyLimitBytes: number; observer: RequestHandler }): void {
  const controller = app.get(TokenController);
  const logger = app.get<Logger>(LOGGER);
  const limit = Math.min(http.bodyLimitBytes, MAX_BODY_BYTES);
  const express = app.getHttpAdapter().getInstance() as Express;
  const server = app.getHttpServer() as Server;
  const listeners = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  if (listeners.length !== 1) throw new Error('the token fast path expects the Express application as the only request listener');
  const [handleWithExpress] = listeners;

  const serve = (req: Request, res: Response): void => {
    setRouteLabel(res, req.path);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    readBody(req)
      .then((text) => {
        req.body = parseFormBody(text);
        return controller.token(req, res, req.body, queryOf(req)['tenant_id'], requestMetaOf(req, res));
      })
      .then((tokens) => {
        const body = JSON.stringify(tokens);
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      })
      .catch((error: unknown) => sendFamilyError(req, res, error, logger, RouteFamily.OAUTH));
  };

  server.removeListener('request', handleWithExpress);
  server.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    if (!accepted(incoming, limit)) {
      handleWithExpress(incoming, outgoing);
      return;
    }
    // What Express's application does first with every request (express/lib/application.js handle). The
    // prototypes are already these under the service host's ExpressPrototypesAdapter, so nothing changes then.
    const req = Object.setPrototypeOf(incoming, express.request) as Request;
    const res = Object.setPrototypeOf(outgoing, express.response) as Response;
    req.res = res;
    res.req = req;
    res.locals = Object.create(null) as Response['locals'];
    req.originalUrl = req.url;
    req.baseUrl = '';
    http.observer(req, res, () => serve(req, res));
  });
}
