import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { requestContextOf } from '@sigma/shared/util-http';
import type { Request, Response } from 'express';

/** What the token endpoints pass on about a request: its id (to the directory) and the client's IP. */
export interface RequestMeta {
  requestId?: string;
  clientIp?: string;
  userAgent?: string;
  /** Names the tenant and user in the request log once they are known. */
  identify(who: { tenantId?: string; userId?: string; clientId?: string }): void;
}

export function requestMetaOf(req: Request, res: Response): RequestMeta {
  const context = requestContextOf(res);
  return {
    requestId: context?.requestId,
    // Read when asked: the client address walks X-Forwarded-For, which most token requests never need.
    get clientIp() {
      return req.ip;
    },
    get userAgent() {
      return req.get('user-agent');
    },
    identify: (who) => {
      if (!context) return;
      context.tenantId = who.tenantId ?? context.tenantId;
      context.userId = who.userId ?? context.userId;
      context.clientId = who.clientId ?? context.clientId;
    },
  };
}

export const CurrentRequest = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestMeta => {
  const http = ctx.switchToHttp();
  return requestMetaOf(http.getRequest<Request>(), http.getResponse<Response>());
});
