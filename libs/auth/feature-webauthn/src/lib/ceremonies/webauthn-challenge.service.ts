import { Inject, Injectable } from '@nestjs/common';
import { WebauthnCeremony, WebauthnChallenge, WebauthnChallengeRepository } from '@sigma/auth/data-access';
import { Clock, CLOCK } from '@sigma/auth/feature-tokens';
import { hashToken } from '@sigma/shared/util-crypto';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { WebauthnErrors } from '../webauthn.errors';
import { CHALLENGE_GRACE_MS, WEBAUTHN_OPTIONS, WebauthnOptions } from '../webauthn.options';

const CHALLENGE = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * Challenges of the WebAuthn ceremonies: 256 random bits, handed out base64url, stored only as a
 * hash, bound to the ceremony, tenant and user, valid for the ceremony's timeout plus 30 s, and
 * consumed by their first answer whether it verifies or not.
 */
@Injectable()
export class WebauthnChallengeService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(WEBAUTHN_OPTIONS) private readonly options: WebauthnOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A fresh challenge's bytes, for the options the browser gets. */
  newChallenge(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(randomBytes(32));
  }

  /** Stores the challenge the options carry (base64url) with whom it may sign in or register. */
  async remember(challenge: string, pending: WebauthnChallenge): Promise<void> {
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + this.options.relyingParty.timeoutMs + CHALLENGE_GRACE_MS);
    await new WebauthnChallengeRepository(this.dataSource.manager).create(hashToken(challenge), pending, now, expiresAt);
  }

  /** The pending ceremony the `webauthn-challenge` header names, taken out of the store. */
  async consume(header: string | undefined, ceremony: WebauthnCeremony): Promise<{ challenge: string; pending: WebauthnChallenge }> {
    if (header === undefined || header === '') throw WebauthnErrors.missingChallenge();
    if (!CHALLENGE.test(header)) throw WebauthnErrors.challengeNotPending();
    const pending = await new WebauthnChallengeRepository(this.dataSource.manager).consume(hashToken(header), ceremony, this.clock());
    if (!pending) throw WebauthnErrors.challengeNotPending();
    return { challenge: header, pending };
  }

  async purgeExpired(before: Date): Promise<number> {
    return new WebauthnChallengeRepository(this.dataSource.manager).purgeExpired(before);
  }
}
