import { Injectable } from '@nestjs/common';
import { CredentialsRepository, UsersRepository } from '@sigma/directory/data-access';
import { identityResponseOf } from '@sigma/directory/feature-credentials';
import type { IdentifierUserRequest, IdentifierUserResponse, IdentityResponse, RegisterUserRequest } from '@sigma/shared/contracts-internal';
import { OutboxPublisher } from '@sigma/shared/data-access-events';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TenantsService } from './tenants.service';
import { ungrantable } from './user-grants';
import { UsersService } from './users.service';

/** Self-registration grants nothing a caller without permissions could not grant (no suite permissions, no `*`). */
const SELF_REGISTRATION = { permissions: [] as string[] };

/**
 * A tenant API key vouches for its tenant's own users, never for administrators: a user holding
 * suite permissions (users:write, `*`, ...) cannot be named, so a leaked key cannot mint an
 * administrator's token.
 */
function refuseAdministrators(identity: IdentityResponse): IdentityResponse {
  if (ungrantable(SELF_REGISTRATION.permissions, identity.user.permissions).length > 0) {
    throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'tokens for users with administrative permissions cannot be created with an API key');
  }
  return identity;
}

/** Identifier users have no email; the reserved `.invalid` domain (RFC 2606) keeps the column's uniqueness without one. */
export function placeholderEmailOf(): string {
  return `identifier-${randomUUID()}@identifiers.invalid`;
}

/**
 * The users auth-server creates: self-registered users (seed 002 `register`) and the identifier
 * users of tenant API keys (seed 003 `/api/auth/create`). Both publish user.created through the
 * outbox like every other creation.
 */
@Injectable()
export class InternalUsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
    private readonly publisher: OutboxPublisher,
  ) {}

  async register(request: RegisterUserRequest): Promise<IdentityResponse> {
    await this.activeTenant(request.tenant_id);
    const view = await this.users.create(
      SELF_REGISTRATION,
      request.tenant_id,
      { email: request.email, password: request.password, firstName: request.first_name, lastName: request.last_name, roles: [request.role], emailVerified: false },
      { roles: 'role', password: 'password' },
    );
    return this.identityOf(request.tenant_id, view.user.id);
  }

  async byIdentifier(request: IdentifierUserRequest): Promise<IdentifierUserResponse> {
    await this.activeTenant(request.tenant_id);
    const identifier = request.identifier.trim();
    if (identifier === '') {
      throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field: 'identifier', message: 'identifier must not be blank' }] });
    }
    const existing = await new UsersRepository(this.dataSource.manager).findByUsername(request.tenant_id, identifier);
    if (existing) return { ...refuseAdministrators(await this.identityOf(request.tenant_id, existing.id)), created: false };
    try {
      const userId = await this.dataSource.transaction(async (manager) => {
        const repository = new UsersRepository(manager);
        const roles = (await repository.rolesOf(request.tenant_id)).filter((role) => role.isDefault);
        const record = await repository.insert({
          tenantId: request.tenant_id,
          email: placeholderEmailOf(),
          username: identifier,
          firstName: null,
          lastName: null,
          emailVerified: false,
          isActive: true,
          passwordHash: null,
          roleIds: roles.map((role) => role.id),
        });
        await this.publisher.publish(manager, { type: 'user.created', tenantId: request.tenant_id, subject: record.id, data: { user_id: record.id } });
        return record.id;
      });
      return { ...(await this.identityOf(request.tenant_id, userId)), created: true };
    } catch (error) {
      // A concurrent first use created the same identifier: answer that user.
      if (!(error instanceof DomainError && error.kind === ErrorKind.CONFLICT)) throw error;
      const raced = await new UsersRepository(this.dataSource.manager).findByUsername(request.tenant_id, identifier);
      if (!raced) throw error;
      return { ...refuseAdministrators(await this.identityOf(request.tenant_id, raced.id)), created: false };
    }
  }

  private async activeTenant(tenantId: string): Promise<void> {
    const tenant = await this.tenants.findByIdOrSlug(tenantId);
    if (tenant.status !== 'active') throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the tenant is suspended');
  }

  private async identityOf(tenantId: string, userId: string): Promise<IdentityResponse> {
    const identity = await new CredentialsRepository(this.dataSource.manager).identityOf(tenantId, userId);
    if (!identity) throw new DomainError(ErrorKind.NOT_FOUND, 'user not found');
    return identityResponseOf(identity);
  }
}
