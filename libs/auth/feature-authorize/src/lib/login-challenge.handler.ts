import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { CallContext } from '@sigma/auth/data-access';
import { ChallengeLoginResponse, LoginChallengeHandler, LoginChallenges } from '@sigma/auth/feature-tokens';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import type { Response } from 'express';
import { AuthorizationFlowService, FlowStep, SignInResult } from './authorization-flow.service';
import { AUTHORIZE_OPTIONS, AuthorizeOptions } from './authorize.options';
import { BrowserCookies } from './http/browser-cookies';

/**
 * Seed 004's login_challenge on `POST /api/v1/auth/login`: the challenge is the pending
 * authorization's handle (the login page's `login_challenge`). A right password signs the browser
 * in (session cookie) and answers where it goes next; a user with a second factor gets
 * `{mfa_required: true, mfa_session_id}` where the id is the challenge itself.
 */
@Injectable()
export class AuthorizeLoginChallengeHandler implements LoginChallengeHandler, OnModuleInit {
  constructor(
    private readonly flow: AuthorizationFlowService,
    private readonly challenges: LoginChallenges,
    @Inject(BrowserCookies) private readonly cookies: BrowserCookies,
    @Inject(AUTHORIZE_OPTIONS) private readonly options: AuthorizeOptions,
  ) {}

  onModuleInit(): void {
    this.challenges.register(this);
  }

  async login(
    challenge: string,
    credentials: { username: string; password: string; tenantId?: string; clientId?: string; clientIp?: string },
    context: CallContext,
    res: Response,
  ): Promise<ChallengeLoginResponse> {
    const view = await this.flow.pendingOf(challenge);
    if (!view) throw new DomainError(ErrorKind.NOT_FOUND, 'The login challenge is unknown, used or expired');
    const mismatch = [];
    if (credentials.tenantId !== undefined && credentials.tenantId !== view.pending.tenantId) mismatch.push({ field: 'tenant_id', message: 'is not the tenant of the login challenge' });
    if (credentials.clientId !== undefined && credentials.clientId !== view.pending.clientId) mismatch.push({ field: 'client_id', message: 'is not the client of the login challenge' });
    if (mismatch.length > 0) throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: mismatch });
    const result = await this.flow.signInWithPassword(challenge, view, credentials, context);
    if (!result.session) return { mfa_required: true, mfa_session_id: challenge };
    return this.answer(result, res);
  }

  async verifySecondFactor(mfaSessionId: string, code: { totpCode?: string; recoveryCode?: string }, context: CallContext, res: Response): Promise<ChallengeLoginResponse | undefined> {
    const view = await this.flow.pendingOf(mfaSessionId);
    if (!view || view.pending.mfaUserId === null) return undefined;
    if ((code.totpCode === undefined) === (code.recoveryCode === undefined)) {
      throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field: 'totp_code', message: 'exactly one of totp_code and recovery_code is required' }] });
    }
    return this.answer(await this.flow.signInWithSecondFactor(mfaSessionId, view, code, context), res);
  }

  private answer(result: SignInResult, res: Response): ChallengeLoginResponse {
    if (result.session) this.cookies.setSession(res, result.session.token, result.session.expiresAt);
    return { mfa_required: false, redirect_to: this.locationOf(result.next) };
  }

  private locationOf(next: FlowStep): string {
    const base = this.options.publicUrl.replace(/\/+$/, '');
    switch (next.step) {
      case 'redirect':
        return next.location;
      case 'login':
        return `${base}/oauth/login?login_challenge=${encodeURIComponent(next.loginChallenge)}`;
      case 'consent':
        return `${base}/oauth/consent?login_challenge=${encodeURIComponent(next.loginChallenge)}`;
      default:
        throw new DomainError(ErrorKind.NOT_FOUND, 'The login challenge is unknown, used or expired');
    }
  }
}
