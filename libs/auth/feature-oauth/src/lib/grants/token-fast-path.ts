import type { NestExpressApplication } from '@nestjs/platform-express';
import { requestMetaOf } from '@sigma/auth/feature-tokens';
import { LOGGER, RouteFamily, sendFamilyError, setRouteLabel } from '@sigma/shared/util-http';
import type { NextFunction, Request, Response } from 'express';
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

/** Whether the fast path reads this request's body: an identity-encoded UTF-8 form of a known, small length. */
function readable(req: Request, limit: number): boolean {
  const { headers } = req;
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
 * Serves POST on the token endpoint's paths ahead of the body parsers and Nest's router (ADR 11).
 * It runs after the host's request log and metrics (the route is labelled as Nest would), reads
 * the small form body itself, calls the same TokenController method Nest would (whose pipes are
 * identities for these untyped parameters) with the headers of its `@Header` decorators, and
 * answers errors as the global exception filter does (the OAuth body). Anything else (another
 * method or spelling of the path, another content type or encoding, a large or chunked body)
 * goes on unchanged to the body parsers and the controller's Nest route.
 */
export function tokenFastPath(app: NestExpressApplication, bodyLimitBytes: number): (req: Request, res: Response, next: NextFunction) => void {
  const controller = app.get(TokenController);
  const logger = app.get<Logger>(LOGGER);
  const limit = Math.min(bodyLimitBytes, MAX_BODY_BYTES);
  const fail = (req: Request, res: Response) => (error: unknown) => sendFamilyError(req, res, error, logger, RouteFamily.OAUTH);
  return (req, res, next) => {
    if (req.method !== 'POST' || !TOKEN_PATHS.has(req.path) || !readable(req, limit)) {
      next();
      return;
    }
    setRouteLabel(res, req.path);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    readBody(req)
      .then((text) => {
        req.body = parseFormBody(text);
        return controller.token(req, res, req.body, req.query['tenant_id'], requestMetaOf(req, res));
      })
      .then((tokens) => {
        const body = JSON.stringify(tokens);
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      })
      .catch(fail(req, res));
  };
}
