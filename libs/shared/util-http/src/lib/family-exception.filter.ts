import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { renderError } from './error-bodies';
import { normalizeError } from './normalize-error';
import { requestContextOf } from './request-context';
import { REQUEST_ID_HEADER, resolveRequestId } from './request-id';
import { RouteFamily, routeFamilyOf } from './route-family';

/** Writes an error as the family of the request's path (or a fixed family) answers it. */
export function sendFamilyError(
  req: Request,
  res: Response,
  exception: unknown,
  logger: Logger,
  family: RouteFamily = routeFamilyOf(req.path),
): void {
  const requestId = requestContextOf(res)?.requestId ?? resolveRequestId(req.headers[REQUEST_ID_HEADER]);
  const { normalized, internal } = normalizeError(exception);
  if (internal) {
    const errorId = randomUUID();
    const error = exception instanceof Error ? { name: exception.name, message: exception.message, stack: exception.stack } : { value: String(exception) };
    logger.error({ error_id: errorId, request_id: requestId, error }, 'unhandled error');
    normalized.message = `${normalized.message} (error id ${errorId})`;
  }
  const context = requestContextOf(res);
  if (context) context.error = `${normalized.kind}: ${normalized.message}`;
  if (res.headersSent) {
    res.end();
    return;
  }
  const rendered = renderError(family, normalized, { requestId, timestamp: new Date().toISOString() });
  res.status(rendered.status).set(rendered.headers).json(rendered.body);
}

/**
 * The exception filter of a route family. Registered globally without a family, it answers in
 * the family of each request's path; a controller mounted outside its family's prefixes can use
 * `@UseFilters(new FamilyExceptionFilter(logger, RouteFamily.OAUTH))`.
 */
@Catch()
export class FamilyExceptionFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly family?: RouteFamily,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    sendFamilyError(req, http.getResponse<Response>(), exception, this.logger, this.family ?? routeFamilyOf(req.path));
  }
}
