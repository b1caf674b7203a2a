import { Inject, Injectable, NestMiddleware, Optional } from '@nestjs/common';
import { bufferedBodyOf, EnforcementMiddleware } from '@sigma/gateway/feature-enforcement';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { LOGGER, Logger, sendFamilyError, setRouteLabel } from '@sigma/shared/util-http';
import type { NextFunction, Request, Response } from 'express';
import { Agent, request } from 'node:http';
import { GATEWAY_SETTINGS } from './gateway.tokens';
import { GatewaySettings } from './gateway.settings';
import { withoutHopByHop } from './hop-by-hop';
import { isSafePath, routeOf, UpstreamService, upstreamUrls } from './upstream-routes';

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ECONNRESET']);

/** Whether a request has a body to stream (RFC 9112 §6.3: only Content-Length or Transfer-Encoding announce one). */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The gateway's one request handler, mounted straight on Express ahead of Nest's router (ADR 0013):
 * for a path of the route table it labels the request with its prefix (a low-cardinality metrics
 * label) and refuses unsafe spellings with 400; then the enforcement runs (ADR 0016, 0017), for the
 * gateway's own routes too; then a routed request streams to the service that owns it and the
 * answer back, without buffering bodies. Hop-by-hop headers are dropped both ways; X-Request-ID and
 * X-Forwarded-* are set. A service that refuses connections is 503, one that is too slow 504, any
 * other failure 502, each in the family's error body. Without an enforcement (unit tests of the
 * proxy alone) routed requests go straight to their service.
 */
@Injectable()
export class ProxyMiddleware implements NestMiddleware {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  private readonly upstreams: Record<UpstreamService, URL>;

  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() private readonly enforcement?: EnforcementMiddleware,
  ) {
    const urls = upstreamUrls(settings);
    this.upstreams = Object.fromEntries(Object.entries(urls).map(([name, url]) => [name, new URL(url)])) as Record<UpstreamService, URL>;
  }

  use(req: Request, res: Response, next: NextFunction): void {
    // Express resolves the client address (trust proxy) on every read of req.ip; the request log,
    // the rate-limit key and X-Forwarded-For each read it, so it is resolved once.
    Object.defineProperty(req, 'ip', { value: req.ip, enumerable: true });
    const route = routeOf(req.path);
    if (route) {
      setRouteLabel(res, `${route.prefix}/*`);
      const query = req.originalUrl.indexOf('?');
      if (!isSafePath(query === -1 ? req.originalUrl : req.originalUrl.slice(0, query))) {
        return sendFamilyError(req, res, new DomainError(ErrorKind.VALIDATION, 'The request path is not acceptable'), this.logger);
      }
    }
    const proceed: NextFunction = route ? () => this.forward(req, res, route.service) : next;
    if (this.enforcement) this.enforcement.use(req, res, proceed);
    else proceed();
  }

  private forward(req: Request, res: Response, service: UpstreamService): void {
    const target = this.upstreams[service];
    const headers = withoutHopByHop(req.headers);
    // Exactly the client address the gateway resolved (its own peer, or what a TRUST_PROXY proxy said):
    // an X-Forwarded-For a client made up never reaches a service (ADR 0020).
    headers['x-forwarded-for'] = req.ip ?? req.socket.remoteAddress ?? '';
    headers['x-forwarded-proto'] = req.protocol;
    headers['x-forwarded-host'] = req.headers.host ?? '';
    headers['host'] = target.host;

    const upstream = request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.originalUrl,
      headers,
      agent: this.agent,
    });
    const timer = setTimeout(() => upstream.destroy(Object.assign(new Error('upstream timeout'), { code: 'ETIMEDOUT_UPSTREAM' })), this.settings.UPSTREAM_TIMEOUT_MS);

    upstream.on('response', (answer) => {
      clearTimeout(timer);
      res.statusCode = answer.statusCode ?? 502;
      const kept = withoutHopByHop(answer.headers);
      for (const name in kept) {
        const value = kept[name];
        if (value === undefined) continue;
        // The gateway's own Vary (Origin, for its CORS headers) stays; the service's fields join it.
        if (name === 'vary') res.vary(String(value));
        else res.setHeader(name, value);
      }
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const kind = error.code === 'ETIMEDOUT_UPSTREAM' ? ErrorKind.TIMEOUT : UNAVAILABLE_CODES.has(error.code ?? '') ? ErrorKind.UNAVAILABLE : ErrorKind.BAD_GATEWAY;
      this.logger.warn({ upstream: service, failure: error.code, request_id: req.headers['x-request-id'] }, 'upstream failed');
      const message = kind === ErrorKind.TIMEOUT ? `The ${service} did not answer in time` : `The ${service} is not available`;
      sendFamilyError(req, res, new DomainError(kind, message, { retryAfterSeconds: kind === ErrorKind.UNAVAILABLE ? 5 : undefined }), this.logger);
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    // A login body the enforcement read for its rate-limit key goes on as it came.
    const buffered = bufferedBodyOf(req);
    if (buffered) upstream.end(buffered);
    else if (hasBody(req)) req.pipe(upstream);
    else upstream.end();
  }
}
