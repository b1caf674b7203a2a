import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { Caller } from '@sigma/shared/util-auth';
import { isUuid } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { hasPathPrefix, LOGGER, Logger, normalizeError, renderError, REQUEST_ID_HEADER, requestContextOf, resolveRequestId, routeFamilyOf } from '@sigma/shared/util-http';
import { ServiceMetrics } from '@sigma/shared/util-observability';
import type { NextFunction, Request, Response } from 'express';
import { Counter } from 'prom-client';
import { AllowedOrigins } from './allowed-origins';
import { EdgeConfigClient } from './edge-config.client';
import { loginIdentifierOf } from './login-identifier';
import { RateLimitDecision, RateLimiter } from './rate-limiter';
import { authRequirementOf, RateLimitPolicy, rateLimitPolicyOf } from './route-policies';
import { TokenEnforcer, TokenRejected } from './token-enforcer';

const VENDOR_TYPE = /application\/vnd\.sigma-iam\.v(\d+)\+json/gi;
const SUPPORTED_VERSION = '1';
const EXPOSED_HEADERS = 'X-Request-ID, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset, Retry-After, WWW-Authenticate, DPoP-Nonce';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Accept, DPoP, X-API-Key, X-Client-ID, X-Request-ID, webauthn-challenge';

type Decision = 'allowed' | 'limited' | 'rejected';

/** A bare address for keys: `::ffff:` mapping removed. */
function clientIpOf(req: Request): string {
  return (req.ip ?? req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
}

function apiKeyOf(req: Request): string | undefined {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const bearer = /^Bearer +(sk_\S+)$/i.exec(req.headers.authorization ?? '');
  return bearer?.[1];
}

/**
 * The gateway's checks before a request is routed (ADR 0016, 0017): CORS, the vendor media type
 * of `/api/v1`, the access token where the route family needs one (JWKS signature, claims, DPoP,
 * deny-list), then API.md's rate limits with `X-RateLimit-*` on every response. A refusal answers
 * in the route family's error body and is counted in `iam_gateway_decisions_total`.
 */
@Injectable()
export class EnforcementMiddleware implements NestMiddleware {
  private readonly decisions: Counter<'decision' | 'reason'>;

  constructor(
    private readonly tokens: TokenEnforcer,
    private readonly limiter: RateLimiter,
    private readonly edgeConfig: EdgeConfigClient,
    private readonly origins: AllowedOrigins,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: ServiceMetrics,
  ) {
    this.decisions = new Counter({
      name: 'iam_gateway_decisions_total',
      help: 'Requests the gateway let through (allowed), throttled (limited) or refused (rejected), by reason',
      labelNames: ['decision', 'reason'],
      registers: [metrics.registry],
    });
  }

  use(req: Request, res: Response, next: NextFunction): void {
    this.enforce(req, res, next).catch((error: unknown) => this.refuse(req, res, error, 'rejected', 'internal'));
  }

  private async enforce(req: Request, res: Response, next: NextFunction): Promise<void> {
    const origin = req.headers.origin;
    const corsAllowed = typeof origin === 'string' && (await this.origins.allows(origin));
    if (corsAllowed) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    }
    if (typeof origin === 'string') res.vary('Origin');
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      if (corsAllowed) {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
        res.setHeader('Access-Control-Max-Age', '600');
      }
      this.count(corsAllowed ? 'allowed' : 'rejected', corsAllowed ? 'preflight' : 'cors_origin');
      res.status(204).end();
      return;
    }

    if (hasPathPrefix(req.path, '/api/v1') && !this.acceptsVersion(req)) {
      return this.refuse(req, res, new DomainError(ErrorKind.NOT_ACCEPTABLE, `only version ${SUPPORTED_VERSION} of application/vnd.sigma-iam+json is served`), 'rejected', 'unknown_api_version');
    }

    const requirement = authRequirementOf(req.path);
    let caller: Caller | undefined;
    let authFailure: unknown;
    if (requirement !== 'none') {
      try {
        const presented = TokenEnforcer.presentedBy(req);
        if (presented || requirement === 'required') caller = await this.tokens.authenticate(req, presented);
      } catch (error) {
        authFailure = error;
      }
    }

    const policy = rateLimitPolicyOf(req.method, req.path);
    const key = await this.keyOf(req, policy, caller);
    if (key === undefined) return this.refuse(req, res, new DomainError(ErrorKind.PAYLOAD_TOO_LARGE, 'the login request body is too large'), 'rejected', 'body_too_large');
    const decision = await this.limiter.hit(policy, key.key, key.tenantId ? await this.edgeConfig.rateLimitOf(key.tenantId) : undefined);
    this.setRateLimitHeaders(res, decision);
    if (!decision.allowed) {
      return this.refuse(req, res, new DomainError(ErrorKind.RATE_LIMITED, 'too many requests; retry later', { retryAfterSeconds: decision.retryAfterSeconds }), 'limited', `${policy.name}.${decision.refusedBy ?? 'window'}`);
    }
    if (authFailure !== undefined) return this.refuse(req, res, authFailure, 'rejected', authFailure instanceof TokenRejected ? authFailure.reason : 'token_check_failed');

    if (caller) {
      const context = requestContextOf(res);
      if (context) Object.assign(context, { tenantId: caller.tenantId, userId: caller.userId, clientId: caller.clientId });
    }
    this.count('allowed', policy.name);
    next();
  }

  /** `Accept` naming a vendor version other than 1 (and no other acceptable type) is 406. */
  private acceptsVersion(req: Request): boolean {
    const accept = req.headers.accept;
    if (!accept) return true;
    const versions = [...accept.matchAll(VENDOR_TYPE)].map((m) => m[1]);
    if (versions.length === 0 || versions.includes(SUPPORTED_VERSION)) return true;
    const others = accept.split(',').map((part) => part.split(';')[0].trim().toLowerCase()).filter((type) => !type.startsWith('application/vnd.sigma-iam.'));
    return others.some((type) => type === '*/*' || type === 'application/*' || type === 'application/json');
  }

  private async keyOf(req: Request, policy: RateLimitPolicy, caller: Caller | undefined): Promise<{ key: string; tenantId?: string } | undefined> {
    const ip = clientIpOf(req);
    switch (policy.key) {
      case 'ip':
        return { key: ip };
      case 'ip+username': {
        const login = await loginIdentifierOf(req);
        return login && { key: `${ip}|${login.identifier}` };
      }
      case 'user':
        return { key: caller ? `${caller.tenantId}|${caller.userId ?? caller.clientId}` : `anonymous|${ip}` };
      case 'tenant+ip': {
        const tenantId = await this.tenantOf(req, caller);
        return { key: `${tenantId ?? 'unknown'}|${ip}`, tenantId };
      }
      case 'application': {
        const clientId = req.headers['x-client-id'];
        if (caller) return { key: `client|${caller.tenantId}|${caller.clientId}` };
        if (typeof clientId === 'string' && clientId.length > 0 && clientId.length <= 128) return { key: `client|${clientId}` };
        return { key: `ip|${ip}` };
      }
    }
  }

  private async tenantOf(req: Request, caller: Caller | undefined): Promise<string | undefined> {
    if (caller) return caller.tenantId;
    const named = req.query['tenant_id'];
    if (isUuid(named)) return named;
    const apiKey = apiKeyOf(req);
    return apiKey ? this.edgeConfig.tenantOfApiKey(apiKey) : undefined;
  }

  private setRateLimitHeaders(res: Response, decision: RateLimitDecision): void {
    res.setHeader('X-RateLimit-Limit', String(decision.limit));
    res.setHeader('X-RateLimit-Remaining', String(decision.remaining));
    res.setHeader('X-RateLimit-Reset', String(decision.resetAt));
  }

  private count(decision: Decision, reason: string): void {
    this.decisions.inc({ decision, reason });
  }

  private refuse(req: Request, res: Response, error: unknown, decision: Decision, reason: string): void {
    this.count(decision, reason);
    const requestId = requestContextOf(res)?.requestId ?? resolveRequestId(req.headers[REQUEST_ID_HEADER]);
    const { normalized, internal } = normalizeError(error);
    if (internal) this.logger.error({ request_id: requestId, error: error instanceof Error ? error.message : String(error) }, 'gateway enforcement failed');
    const context = requestContextOf(res);
    if (context) context.error = `${normalized.kind}: ${normalized.message}`;
    if (res.headersSent) {
      res.end();
      return;
    }
    const rendered = renderError(routeFamilyOf(req.path), normalized, { requestId, timestamp: new Date().toISOString() });
    if (error instanceof TokenRejected) rendered.headers['www-authenticate'] = error.challenge;
    res.status(rendered.status).set(rendered.headers).json(rendered.body);
  }
}
