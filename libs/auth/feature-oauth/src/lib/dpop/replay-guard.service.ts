import { Inject, Injectable } from '@nestjs/common';
import { SeenJtiRepository } from '@sigma/auth/data-access';
import { CLOCK, Clock } from '@sigma/auth/feature-tokens';
import { hashToken } from '@sigma/shared/util-crypto';
import { DataSource } from 'typeorm';

/**
 * One-time use of JWT identifiers (DPoP proof and client assertion `jti`), in PostgreSQL so every
 * replica sees every use. Identifiers are stored hashed, per namespace (the key or client that
 * signed them), until the JWT could no longer be accepted.
 */
@Injectable()
export class ReplayGuard {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** True the first time; false for a replay within `acceptableUntil`. */
  firstUse(namespace: string, jti: string, acceptableUntil: Date): Promise<boolean> {
    return new SeenJtiRepository(this.dataSource.manager).firstUse(namespace, hashToken(jti), acceptableUntil, this.clock());
  }
}
