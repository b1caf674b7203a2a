import { Injectable } from '@nestjs/common';
import { CredentialsRepository, ExternalIdentitiesRepository, TenantsRepository, UsersRepository } from '@sigma/directory/data-access';
import type { FederatedLoginRequest, FederatedLoginResponse } from '@sigma/shared/contracts-internal';
import { OutboxPublisher } from '@sigma/shared/data-access-events';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { identityResponseOf } from './identity-claims';

const USERNAME_ATTEMPTS = 5;

/**
 * Sign-ins by identities of upstream providers (ADR 23). The link (issuer, subject) → user decides
 * who signs in. A new identity is linked to the user with the same email only when the provider's
 * configuration allows it and the provider verified the email; otherwise a new user is created
 * (when sign-up is allowed), which an email already taken in the tenant prevents: the identity is
 * never silently attached to someone else's account. Concurrent first sign-ins of one identity are
 * serialised, so one user is created.
 */
@Injectable()
export class FederatedLoginService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
  ) {}

  async signIn(request: FederatedLoginRequest): Promise<FederatedLoginResponse> {
    const tenant = await new TenantsRepository(this.dataSource.manager).findById(request.tenant_id);
    if (!tenant) throw new DomainError(ErrorKind.NOT_FOUND, 'the tenant does not exist');
    if (tenant.status !== 'active') throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the tenant is suspended');
    const { userId, outcome } = await this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sigma-iam:federated:${request.tenant_id}:${request.issuer}:${request.subject}`]);
      const identities = new ExternalIdentitiesRepository(manager);
      const linked = await identities.userOf(request.tenant_id, request.issuer, request.subject);
      if (linked !== undefined) {
        await identities.recordLogin(request.tenant_id, request.issuer, request.subject);
        return { userId: linked, outcome: 'existing' as const };
      }
      const email = request.email?.trim().toLowerCase();
      const owner = email === undefined ? undefined : await identities.userWithEmail(request.tenant_id, email);
      if (owner !== undefined) {
        if (!request.link_by_email || !request.email_verified) {
          throw new DomainError(ErrorKind.CONFLICT, 'an account with this email address exists; the provider is not allowed to sign in to it', {
            details: [{ field: 'email', message: 'belongs to an existing account' }],
          });
        }
        await this.link(identities, request, owner);
        return { userId: owner, outcome: 'linked' as const };
      }
      if (!request.allow_signup) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'sign-up through this provider is disabled');
      if (email === undefined) {
        throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field: 'email', message: 'the provider shared no email address; sign-up needs one' }] });
      }
      const created = await this.createUser(manager, request, email);
      await this.link(identities, request, created);
      return { userId: created, outcome: 'created' as const };
    });
    const credentials = new CredentialsRepository(this.dataSource.manager);
    const account = await credentials.findAccount(request.tenant_id, userId);
    if (!account?.isActive) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the account is disabled');
    await credentials.recordSuccess(userId, { lastLogin: true });
    const identity = await credentials.identityOf(request.tenant_id, userId);
    if (!identity) throw new DomainError(ErrorKind.NOT_FOUND, 'user not found');
    return { ...identityResponseOf(identity), outcome };
  }

  private async link(identities: ExternalIdentitiesRepository, request: FederatedLoginRequest, userId: string): Promise<void> {
    // The advisory lock makes a lost race impossible within the suite; the constraint backs it.
    const linked = await identities.link({ tenantId: request.tenant_id, userId, issuer: request.issuer, subject: request.subject, provider: request.provider });
    if (!linked) throw new DomainError(ErrorKind.CONFLICT, 'the identity was linked concurrently; try again');
  }

  private async createUser(manager: EntityManager, request: FederatedLoginRequest, email: string): Promise<string> {
    const users = new UsersRepository(manager);
    const roles = await users.rolesOf(request.tenant_id);
    const defaults = roles.filter((role) => role.isDefault);
    const roleIds = (defaults.length > 0 ? defaults : roles.filter((role) => role.slug === 'user')).map((role) => role.id);
    let username = email;
    for (let attempt = 0; (await users.takenIdentifiers(request.tenant_id, { username })).length > 0; attempt += 1) {
      if (attempt >= USERNAME_ATTEMPTS) throw new DomainError(ErrorKind.CONFLICT, 'no free username for the new user');
      username = `${request.provider}-${randomBytes(4).toString('hex')}`;
    }
    const record = await users.insert({
      tenantId: request.tenant_id,
      email,
      username,
      firstName: request.first_name?.trim() || null,
      lastName: request.last_name?.trim() || null,
      emailVerified: request.email_verified,
      isActive: true,
      passwordHash: null,
      roleIds,
    });
    await this.publisher.publish(manager, { type: 'user.created', tenantId: request.tenant_id, subject: record.id, data: { user_id: record.id } });
    return record.id;
  }
}
