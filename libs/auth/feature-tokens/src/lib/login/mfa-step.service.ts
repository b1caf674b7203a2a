import { Inject, Injectable } from '@nestjs/common';
import { CallContext, MfaSessionRepository } from '@sigma/auth/data-access';
import { amrOf, AuthErrors, SecondFactor } from '@sigma/auth/domain';
import type { IdentityClaims } from '@sigma/shared/contracts-internal';
import { hashToken, randomToken } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { DataSource } from 'typeorm';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions, Clock, CLOCK } from '../auth-tokens.options';
import type { LoginResponse } from '../issuing/token.response.dto';
import { LoginCompletionService, LoginGrant } from './login-completion.service';

/** How long a password login waits for its second factor. */
export const MFA_SESSION_SECONDS = 300;
/** Wrong codes a pending login tolerates before it is dropped (the directory's lockout also counts them). */
export const MFA_SESSION_MAX_FAILURES = 5;

export interface SecondFactorCode {
  mfaSessionId: string;
  totpCode?: string;
  recoveryCode?: string;
}

/**
 * The second step of a login with a second factor enrolled. The password step leaves a pending
 * login (5 minutes, single use, bound to the user, tenant and client, stored under the hash of its
 * id); a right TOTP or recovery code, checked by the directory, completes it.
 */
@Injectable()
export class MfaStepService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly completion: LoginCompletionService,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly options: AuthTokensOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async begin(claims: IdentityClaims, clientId: string, scope: string): Promise<LoginResponse> {
    const id = randomToken();
    const now = this.clock();
    await new MfaSessionRepository(this.dataSource.manager).create({
      idHash: hashToken(id),
      tenantId: claims.tenant_id,
      userId: claims.user_id,
      clientId,
      scope,
      createdAt: now,
      expiresAt: new Date(now.getTime() + MFA_SESSION_SECONDS * 1000),
    });
    return { mfa_required: true, mfa_session_id: id };
  }

  async verify(code: SecondFactorCode, context: CallContext): Promise<{ response: LoginResponse; claims: IdentityClaims }> {
    const { claims, grant } = await this.passSecondFactor(code, context);
    const response = await this.completion.complete(claims, grant, context);
    return { response, claims };
  }

  /**
   * Checks the code against the pending login and consumes it: the user's current claims and the
   * grant the login completes with (its client, scope and authentication methods). Callers that
   * answer in another shape (seed 002) start the session themselves.
   */
  async passSecondFactor(code: SecondFactorCode, context: CallContext): Promise<{ claims: IdentityClaims; grant: LoginGrant }> {
    const factor = factorOf(code);
    const idHash = hashToken(code.mfaSessionId);
    const sessions = new MfaSessionRepository(this.dataSource.manager);
    const pending = await sessions.findPending(idHash, this.clock(), MFA_SESSION_MAX_FAILURES);
    if (!pending) throw AuthErrors.mfaSessionNotFound();
    let claims: IdentityClaims;
    try {
      const answer = await this.options.directory.verifySecondFactor(
        { tenant_id: pending.tenantId, user_id: pending.userId, ...(factor === 'totp' ? { totp_code: code.totpCode } : { recovery_code: code.recoveryCode }) },
        context,
      );
      claims = answer.user;
    } catch (error) {
      if (error instanceof DomainError && error.kind === ErrorKind.INVALID_CREDENTIALS) await sessions.recordFailure(idHash);
      throw error;
    }
    if (!(await sessions.consume(idHash, this.clock(), MFA_SESSION_MAX_FAILURES))) throw AuthErrors.mfaSessionNotFound();
    return { claims, grant: { clientId: pending.clientId, scope: pending.scope, amr: amrOf(factor) } };
  }
}

function factorOf(code: SecondFactorCode): SecondFactor {
  if ((code.totpCode === undefined) === (code.recoveryCode === undefined)) {
    throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', {
      details: [{ field: 'totp_code', message: 'exactly one of totp_code and recovery_code is required' }],
    });
  }
  return code.totpCode !== undefined ? 'totp' : 'recovery_code';
}
