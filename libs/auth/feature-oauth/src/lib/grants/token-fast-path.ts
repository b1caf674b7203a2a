import type { NestExpressApplication } from '@nestjs/platform-express';
import { requestMetaOf } from '@sigma/auth/feature-tokens';
import { LOGGER, RouteFamily, sendFamilyError } from '@sigma/shared/util-http';
import type { Express, Request, Response } from 'express';
import type { Logger } from 'pino';
import { underEveryPrefix } from '../oauth-options';
import { TokenController } from './token.controller';

/**
 * Serves POST on the token endpoint's paths straight from Express, ahead of Nest's router (ADR 11).
 * It runs after the host's request log, metrics and body parsers, calls the same TokenController
 * method Nest would (whose pipes are identities for these untyped parameters), sets the headers of
 * its `@Header` decorators, and answers errors as the global exception filter does (OAuth body).
 * What it skips is per-request framework work: the walk over every Nest route, the execution
 * context, and Express's `res.json` (no ETag is computed for a token response).
 */
export function installTokenFastPath(app: NestExpressApplication): void {
  const controller = app.get(TokenController);
  const logger = app.get<Logger>(LOGGER);
  const express = app.getHttpAdapter().getInstance() as Express;
  const handler = (req: Request, res: Response): void => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    controller.token(req, res, req.body, req.query['tenant_id'], requestMetaOf(req, res)).then(
      (tokens) => {
        const body = JSON.stringify(tokens);
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      },
      (error: unknown) => sendFamilyError(req, res, error, logger, RouteFamily.OAUTH),
    );
  };
  for (const path of underEveryPrefix('token')) express.post(`/${path}`, handler);
}
