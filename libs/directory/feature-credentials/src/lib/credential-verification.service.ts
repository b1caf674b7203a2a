import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CredentialsRepository, LockoutPolicy, LoginAccount, MfaRepository } from '@sigma/directory/data-access';
import { DIRECTORY_OPTIONS, DirectoryOptions, hashRecoveryCode, verifyTotp } from '@sigma/directory/domain';
import type { IdentityResponse, VerifyPasswordRequest, VerifySecondFactorRequest } from '@sigma/shared/contracts-internal';
import { constantTimeEqual, hashToken, randomToken } from '@sigma/shared/util-crypto';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import { compare, hash } from 'bcrypt';
import { DataSource, EntityManager } from 'typeorm';
import { identityResponseOf } from './identity-claims';
import { CLIENT_IP_LOCKOUT, FailureThrottle, FORGET_FAILURES_AFTER_SECONDS, LOGIN_LOCKOUT } from './login-lockout';

const INVALID = 'the credentials are not valid';

/** The TOTP secret's associated data: a sealed secret only opens for the user it was sealed for. */
export function totpContextOf(userId: string): string {
  return `totp:${userId}`;
}

/**
 * The sign-in subject whose failures an identifier counts toward when it names no account: a
 * digest of tenant and identifier (no identifier is stored in the clear), in the same table and
 * with the same statements as a user id's (ADR 30).
 */
export function unknownSubjectOf(tenantId: string | undefined, identifier: string): string {
  return hashToken(`sign-in:${tenantId ?? 'default'}:${identifier.toLowerCase()}`);
}

/**
 * Verifies passwords and second factors for auth-server, and answers a user's current claims.
 * An unknown user costs what a wrong password costs and is answered alike: the same statements
 * (the lock looked up, a bcrypt compare against a dummy hash of the same cost, one failure row
 * written) and the same lockout, keyed by a digest of the identifier instead of the user id
 * (ADR 30). Passwords and codes are never logged.
 */
@Injectable()
export class CredentialVerificationService implements OnModuleInit {
  private dummyHash?: Promise<string>;
  private readonly accountLockout: LockoutPolicy;
  private readonly clientIps: FailureThrottle;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(DIRECTORY_OPTIONS) private readonly options: DirectoryOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.accountLockout = options.loginProtection?.account ?? LOGIN_LOCKOUT;
    this.clientIps = new FailureThrottle(options.loginProtection?.clientIp ?? CLIENT_IP_LOCKOUT);
  }

  onModuleInit(): void {
    void this.dummy();
  }

  async verifyPassword(request: VerifyPasswordRequest): Promise<IdentityResponse> {
    const ipLocked = request.client_ip === undefined ? 0 : this.clientIps.secondsLocked(request.client_ip);
    if (ipLocked > 0) throw lockedError(ipLocked);
    const manager = this.dataSource.manager;
    const credentials = new CredentialsRepository(manager);
    const account = await credentials.findLoginAccount(request.tenant_id, request.username);
    // From here on, an identifier that names no account takes the same steps as a wrong password.
    const subject = account?.userId ?? unknownSubjectOf(request.tenant_id, request.username);
    await this.refuseWhileLocked(credentials, subject);
    const dummy = await this.dummy();
    const matches = await compare(request.password, account?.passwordHash ?? dummy);
    if (!account || !matches || account.passwordHash === null) {
      await this.recordFailure(credentials, subject, request.tenant_id, request.client_ip);
      if (request.client_ip !== undefined) this.clientIps.recordFailure(request.client_ip);
      throw new DomainError(ErrorKind.INVALID_CREDENTIALS, INVALID);
    }
    refuseInactive(account);
    const identity = await credentials.identityOf(account.tenantId, account.userId);
    if (!identity) throw new DomainError(ErrorKind.INVALID_CREDENTIALS, INVALID);
    // With a second factor enrolled the login is complete only after it: last_login waits for it.
    // Passkeys are a sign-in method of their own (ADR 22), not a second factor of password logins.
    const complete = !identity.mfa.totp;
    const lastLogin = await credentials.recordSuccess(account.userId, { lastLogin: complete });
    return identityResponseOf({ ...identity, lastLogin });
  }

  async verifySecondFactor(request: VerifySecondFactorRequest): Promise<IdentityResponse> {
    if ((request.totp_code === undefined) === (request.recovery_code === undefined)) {
      throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', {
        details: [{ field: 'totp_code', message: 'exactly one of totp_code and recovery_code is required' }],
      });
    }
    const manager = this.dataSource.manager;
    const credentials = new CredentialsRepository(manager);
    const account = await credentials.findAccount(request.tenant_id, request.user_id);
    if (!account) throw new DomainError(ErrorKind.INVALID_CREDENTIALS, INVALID);
    await this.refuseWhileLocked(credentials, account.userId);
    const accepted =
      request.totp_code !== undefined ? await this.acceptTotp(manager, account.userId, request.totp_code) : await this.acceptRecoveryCode(manager, account.userId, request.recovery_code ?? '');
    if (!accepted) {
      await this.recordFailure(credentials, account.userId, account.tenantId, undefined);
      throw new DomainError(ErrorKind.INVALID_CREDENTIALS, INVALID);
    }
    refuseInactive(account);
    await credentials.recordSuccess(account.userId, { lastLogin: true });
    const identity = await credentials.identityOf(account.tenantId, account.userId);
    if (!identity) throw new DomainError(ErrorKind.INVALID_CREDENTIALS, INVALID);
    return identityResponseOf(identity);
  }

  async claimsOf(tenantId: string, userId: string): Promise<IdentityResponse> {
    const identity = await new CredentialsRepository(this.dataSource.manager).identityOf(tenantId, userId);
    if (!identity) throw new DomainError(ErrorKind.NOT_FOUND, 'user not found');
    return identityResponseOf(identity);
  }

  private async acceptTotp(manager: EntityManager, userId: string, code: string): Promise<boolean> {
    const mfa = new MfaRepository(manager);
    const credential = await mfa.totpOf(userId);
    if (!credential) return false;
    let secret: string;
    try {
      secret = this.options.secretBox.open(credential.secretSealed, totpContextOf(userId)).toString('utf8');
    } catch (error) {
      this.logger.error({ user_id: userId, err: error instanceof Error ? error.message : String(error) }, 'a stored TOTP secret does not open');
      return false;
    }
    const step = await verifyTotp(secret, code, { lastUsedStep: credential.lastUsedStep ?? undefined });
    // The step is claimed atomically: two concurrent uses of one code cannot both pass.
    return step !== undefined && (await mfa.claimTotpStep(userId, step));
  }

  private async acceptRecoveryCode(manager: EntityManager, userId: string, code: string): Promise<boolean> {
    const mfa = new MfaRepository(manager);
    const presented = hashRecoveryCode(code);
    let match: string | undefined;
    // Every stored code is compared, in constant time, whatever matched earlier.
    for (const stored of await mfa.unusedRecoveryCodes(userId)) {
      if (constantTimeEqual(presented, stored.codeHash) && match === undefined) match = stored.id;
    }
    return match !== undefined && (await mfa.consumeRecoveryCode(match));
  }

  private async refuseWhileLocked(credentials: CredentialsRepository, subject: string): Promise<void> {
    const seconds = await credentials.secondsLocked(subject);
    if (seconds > 0) throw lockedError(seconds);
  }

  private async recordFailure(credentials: CredentialsRepository, subject: string, tenantId: string | undefined, clientIp: string | undefined): Promise<void> {
    const result = await credentials.recordFailure(subject, this.accountLockout, FORGET_FAILURES_AFTER_SECONDS);
    if (result.failureCount >= this.accountLockout.threshold) {
      // Logged alike for identifiers naming an account or none: the subject is a user id or a digest.
      this.logger.warn(
        { sign_in_subject: subject, tenant_id: tenantId, client_ip: clientIp, failed_login_count: result.failureCount, locked_until: result.lockedUntil?.toISOString() },
        'sign-in locked after repeated failures',
      );
    }
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hash(randomToken(24), this.options.bcryptCost);
    return this.dummyHash;
  }
}

function lockedError(seconds: number): DomainError {
  return new DomainError(ErrorKind.RATE_LIMITED, 'too many failed sign-in attempts; try again later', { retryAfterSeconds: seconds });
}

function refuseInactive(account: LoginAccount): void {
  if (!account.isActive) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the account is disabled');
  if (!account.tenantActive) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the tenant is suspended');
}
