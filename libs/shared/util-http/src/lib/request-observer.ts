import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { attachRequestContext, callerHintsOf } from './request-context';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id';

/** What a finished request contributes to metrics. */
export interface RequestSample {
  method: string;
  route: string;
  status: number;
  durationSeconds: number;
}

export interface RequestObserverOptions {
  logger: Logger;
  /** A low-cardinality name for the route (a pattern, never the raw path). */
  routeLabel: (req: Request) => string;
  onComplete?: (sample: RequestSample) => void;
}

/**
 * First middleware of every app: settles the request id (kept from `X-Request-ID` or minted),
 * echoes it on the response, and writes one structured line per request when it ends, with the
 * fields of API.md's request log. The path is logged without its query string, which may carry
 * codes or tokens.
 */
export function createRequestObserver(options: RequestObserverOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const requestId = resolveRequestId(req.headers[REQUEST_ID_HEADER]);
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader('X-Request-ID', requestId);
    const context = attachRequestContext(res, { requestId, ...callerHintsOf(req) });
    // 'close' comes once per response: after 'finish' when it was sent, alone when the client went away.
    res.once('close', () => {
      const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.headersSent ? res.statusCode : 499;
      options.onComplete?.({ method: req.method, route: options.routeLabel(req), status, durationSeconds });
      // The line is built only when its level is written (LOG_LEVEL above info drops the request log).
      if (!options.logger.isLevelEnabled(status >= 500 ? 'error' : 'info')) return;
      const line = {
        method: req.method,
        path: req.path,
        client_ip: req.ip,
        user_agent: req.headers['user-agent'],
        tenant_id: context.tenantId,
        client_id: context.clientId,
        user_id: context.userId,
        status,
        response_time_ms: Math.round(durationSeconds * 1e6) / 1e3,
        request_id: requestId,
        ...(context.error === undefined ? {} : { error: context.error }),
      };
      if (status >= 500) options.logger.error(line, 'request');
      else options.logger.info(line, 'request');
    });
    next();
  };
}
