import { Inject, Injectable } from '@nestjs/common';
import type { CallContext } from '@sigma/auth/data-access';
import { amrOf, AuthErrors, DIRECT_LOGIN_SCOPE, resolveDirectLoginClient } from '@sigma/auth/domain';
import type { IdentityClaims } from '@sigma/shared/contracts-internal';
import { AUTH_TOKENS_OPTIONS, AuthTokensOptions } from '../auth-tokens.options';
import type { LoginResponse } from '../issuing/token.response.dto';
import { LoginCompletionService } from './login-completion.service';
import { MfaStepService } from './mfa-step.service';

export interface PasswordLogin {
  username: string;
  password: string;
  /** Absent: the default tenant. */
  tenantId?: string;
  /** Absent: the first-party client. */
  clientId?: string;
  clientIp?: string;
}

/**
 * The password step of a direct login. The directory checks the password (and owns lockout and
 * the equal treatment of unknown users); a user with TOTP enrolled gets a pending MFA login instead
 * of tokens. Passkeys are a sign-in method of their own (ADR 22), not a second factor here.
 */
@Injectable()
export class PasswordLoginService {
  constructor(
    private readonly completion: LoginCompletionService,
    private readonly mfa: MfaStepService,
    @Inject(AUTH_TOKENS_OPTIONS) private readonly options: AuthTokensOptions,
  ) {}

  async login(login: PasswordLogin, context: CallContext): Promise<{ response: LoginResponse; claims: IdentityClaims; clientId: string }> {
    const clientId = resolveDirectLoginClient(login.clientId);
    const { user: claims } = await this.options.directory.verifyPassword(
      { tenant_id: login.tenantId, username: login.username, password: login.password, client_ip: login.clientIp },
      context,
    );
    if (!claims.is_active) throw AuthErrors.accountDisabled();
    const response =
      claims.mfa.totp ? await this.mfa.begin(claims, clientId, DIRECT_LOGIN_SCOPE) : await this.completion.complete(claims, { clientId, scope: DIRECT_LOGIN_SCOPE, amr: amrOf() }, context);
    return { response, claims, clientId };
  }
}
