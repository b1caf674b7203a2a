import { applyDecorators, CanActivate, createParamDecorator, DynamicModule, ExecutionContext, Global, Inject, Injectable, Module, Optional, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth } from '@nestjs/swagger';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { requestContextOf } from '@sigma/shared/util-http';
import type { Request, Response } from 'express';
import { AccessTokenSettings } from './access-token.settings';
import { AccessTokenVerifier, Caller } from './access-token-verifier';
import { verifyDpopProof } from './dpop-proof';
import { permitsAll } from './permissions';

const REQUIRED_PERMISSIONS = 'sigma:required-permissions';
const ACCESS_TOKEN_PUBLIC_URL = 'SIGMA_ACCESS_TOKEN_PUBLIC_URL';
const PROOF_MAX_AGE_SECONDS = 60;
const MAX_SEEN_PROOFS = 100_000;
const callers = new WeakMap<Request, Caller>();

/** The bearer token of a request, or undefined when it sends none. */
export function bearerTokenOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match) throw new DomainError(ErrorKind.AUTHENTICATION_REQUIRED, 'the Authorization header must be `Bearer <access token>`', { oauthError: 'invalid_request' });
  return match[1];
}

/** The token of `Authorization: DPoP <token>`, or undefined for any other scheme. */
function dpopTokenOf(req: Request): string | undefined {
  const match = /^DPoP +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/**
 * Checks the DPoP proof of a bound token at a service (the gateway checked it too, with its own
 * replay memory): the proof's `htu` is the public URL the client addressed.
 */
@Injectable()
export class DpopProofChecker {
  private readonly seen = new Map<string, number>();

  constructor(@Inject(ACCESS_TOKEN_PUBLIC_URL) private readonly publicUrl: string) {}

  async check(req: Request, token: string, jkt: string): Promise<void> {
    const proof = req.headers['dpop'];
    if (typeof proof !== 'string') throw new DomainError(ErrorKind.INVALID_TOKEN, 'a DPoP-bound token needs a DPoP proof', { oauthError: 'invalid_dpop_proof' });
    const { jti } = await verifyDpopProof(proof, { method: req.method, url: new URL(req.originalUrl, this.publicUrl).toString(), accessToken: token, jkt, maxAgeSeconds: PROOF_MAX_AGE_SECONDS });
    const now = Date.now();
    if (this.seen.size > MAX_SEEN_PROOFS) for (const [id, until] of this.seen) if (until <= now) this.seen.delete(id);
    const key = `${jkt}:${jti}`;
    if ((this.seen.get(key) ?? 0) > now) throw new DomainError(ErrorKind.INVALID_TOKEN, 'the DPoP proof has been used before', { oauthError: 'invalid_dpop_proof' });
    this.seen.set(key, now + PROOF_MAX_AGE_SECONDS * 2000);
  }
}

/**
 * Admits requests whose bearer access token verifies and whose permissions cover the route's
 * (`@Authenticated('users:read')`): no or a bad token is 401, a missing permission 403. The caller
 * is then available to handlers through `@CurrentCaller()` and to the request log.
 */
@Injectable()
export class BearerAuthGuard implements CanActivate {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    @Inject(Reflector) private readonly reflector: Reflector,
    /** Absent where a module wires the guard without AccessTokenModule: DPoP-bound tokens are refused then. */
    @Optional() private readonly proofs?: DpopProofChecker,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const dpop = dpopTokenOf(req);
    const token = dpop ?? bearerTokenOf(req);
    if (token === undefined) throw new DomainError(ErrorKind.AUTHENTICATION_REQUIRED, 'this endpoint needs a bearer access token');
    const caller = await this.verifier.verify(token);
    if (caller.jkt !== undefined) {
      // A DPoP-bound token presented as a plain bearer token is refused (RFC 9449 §7.2).
      if (dpop === undefined) throw new DomainError(ErrorKind.INVALID_TOKEN, 'a DPoP-bound token must be presented with the DPoP scheme', { oauthError: 'invalid_token' });
      if (!this.proofs) throw new DomainError(ErrorKind.INVALID_TOKEN, 'DPoP-bound tokens are not accepted here', { oauthError: 'invalid_token' });
      await this.proofs.check(req, token, caller.jkt);
    } else if (dpop !== undefined) {
      throw new DomainError(ErrorKind.INVALID_TOKEN, 'the access token is not DPoP-bound; present it with the Bearer scheme', { oauthError: 'invalid_token' });
    }
    callers.set(req, caller);
    const logContext = requestContextOf(http.getResponse<Response>());
    if (logContext) Object.assign(logContext, { tenantId: caller.tenantId, userId: caller.userId, clientId: caller.clientId });
    const required = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_PERMISSIONS, [context.getHandler(), context.getClass()]) ?? [];
    if (!permitsAll(caller.permissions, required)) {
      throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, `this endpoint needs the permission${required.length > 1 ? 's' : ''} ${required.join(', ')}`);
    }
    return true;
  }
}

/** The route needs a valid access token carrying every listed permission. */
export function Authenticated(...permissions: string[]): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(REQUIRED_PERMISSIONS, permissions), UseGuards(BearerAuthGuard), ApiBearerAuth());
}

export function callerOf(req: Request): Caller {
  const caller = callers.get(req);
  if (!caller) throw new Error('callerOf used on a route without @Authenticated');
  return caller;
}

/** The verified caller of an `@Authenticated` route. */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => callerOf(context.switchToHttp().getRequest<Request>()));

/** Provides the access-token verifier (and so `@Authenticated`) to every module of a service. */
@Global()
@Module({})
export class AccessTokenModule {
  static forSettings(settings: AccessTokenSettings): DynamicModule {
    const verifier = new AccessTokenVerifier({
      publicUrl: settings.PUBLIC_URL,
      jwksUrl: (tenantId) => `${settings.AUTH_SERVER_URL}/.well-known/jwks.json?tenant_id=${encodeURIComponent(tenantId)}`,
    });
    return {
      module: AccessTokenModule,
      providers: [{ provide: AccessTokenVerifier, useValue: verifier }, { provide: ACCESS_TOKEN_PUBLIC_URL, useValue: settings.PUBLIC_URL }, DpopProofChecker, BearerAuthGuard],
      exports: [AccessTokenVerifier, DpopProofChecker, BearerAuthGuard],
    };
  }
}
