import { Injectable } from '@nestjs/common';
import type { CallContext } from '@sigma/auth/data-access';
import type { Response } from 'express';
import type { LoginResponse } from '../issuing/token.response.dto';

/** A login answer that continues an OAuth authorization instead of issuing the first-party client's tokens. */
export type ChallengeLoginResponse = LoginResponse & { redirect_to?: string };

/**
 * Seed 004's `login_challenge`: a login tied to a pending OAuth authorization. The authorization
 * feature (feature-authorize) implements it; the direct login API only hands the call over. The
 * handler signs the browser in (setting its session cookie on `res`) and answers where the browser
 * goes next (`redirect_to`), or the MFA step.
 */
export interface LoginChallengeHandler {
  login(
    challenge: string,
    credentials: { username: string; password: string; tenantId?: string; clientId?: string; clientIp?: string },
    context: CallContext,
    res: Response,
  ): Promise<ChallengeLoginResponse>;
  /** The second factor of a challenge login; undefined when `mfaSessionId` is not one of its challenges. */
  verifySecondFactor(mfaSessionId: string, code: { totpCode?: string; recoveryCode?: string }, context: CallContext, res: Response): Promise<ChallengeLoginResponse | undefined>;
}

/** Where the login API finds the login_challenge handler (registered by feature-authorize at start). */
@Injectable()
export class LoginChallenges {
  private handler?: LoginChallengeHandler;

  register(handler: LoginChallengeHandler): void {
    if (this.handler) throw new Error('a login_challenge handler is registered already');
    this.handler = handler;
  }

  get current(): LoginChallengeHandler | undefined {
    return this.handler;
  }
}
