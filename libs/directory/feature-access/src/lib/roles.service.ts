import { Injectable } from '@nestjs/common';
import { RoleRecord, RolesRepository, TenantScope } from '@sigma/directory/data-access';
import { OutboxPublisher } from '@sigma/shared/data-access-events';
import { Caller, isUuid } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { DataSource, EntityManager } from 'typeorm';
import { assertGrantable, canonicalPermissions, slugOf } from './permission-grants';

/** The level of a custom role when the request names none (seed 002's example shows 60). */
export const DEFAULT_CUSTOM_ROLE_LEVEL = 60;

export interface RoleInput {
  name: string;
  slug?: string;
  description?: string;
  permissions?: string[];
  color?: string;
  icon?: string;
  level?: number;
  isDefault?: boolean;
}

/** A tenant's roles: listing, creation and assignment to users, without privilege escalation. */
@Injectable()
export class RolesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    private readonly tenantScope: TenantScope,
  ) {}

  async list(caller: Caller, options: { tenantId?: string; includeSystem?: boolean } = {}): Promise<RoleRecord[]> {
    const tenantId = await this.tenantScope.resolve(caller, options.tenantId);
    return new RolesRepository(this.dataSource.manager).list(tenantId, { includeSystem: options.includeSystem ?? true });
  }

  async create(caller: Caller, input: RoleInput, requestedTenant?: string): Promise<RoleRecord> {
    const tenantId = await this.tenantScope.resolve(caller, requestedTenant);
    const name = input.name.trim();
    const permissions = canonicalPermissions(input.permissions ?? []);
    assertGrantable(caller.permissions, permissions);
    const slug = input.slug ?? slugOf(name);
    if (slug === '') throw validation('name', 'name must contain a letter or digit');
    return this.dataSource.transaction(async (manager) => {
      const roles = new RolesRepository(manager);
      const conflicts = await roles.conflictsOf(tenantId, { slug, name });
      if (conflicts.length > 0) {
        throw new DomainError(ErrorKind.CONFLICT, `a role with this ${conflicts.join(' and ')} already exists in the tenant`, {
          details: conflicts.map((field) => ({ field, message: `${field} is already used by another role` })),
        });
      }
      return roles.create(tenantId, {
        name,
        slug,
        description: input.description ?? null,
        permissions,
        isDefault: input.isDefault ?? false,
        color: input.color ?? null,
        icon: input.icon ?? null,
        level: input.level ?? DEFAULT_CUSTOM_ROLE_LEVEL,
      });
    });
  }

  /**
   * Adds roles (by id, or one by name or slug) to a user of the tenant; roles already held stay.
   * Every named role must be the tenant's, and the caller must be able to grant its permissions.
   */
  async assign(caller: Caller, userId: string, request: { roleIds?: string[]; role?: string }, requestedTenant?: string): Promise<{ user_id: string; roles: Array<{ id: string; name: string }> }> {
    if ((request.roleIds === undefined) === (request.role === undefined)) throw validation('role_ids', 'exactly one of role_ids and role is required');
    const tenantId = await this.tenantScope.resolve(caller, requestedTenant);
    if (!isUuid(userId)) throw new DomainError(ErrorKind.NOT_FOUND, 'user not found');
    return this.dataSource.transaction(async (manager) => {
      await lockUserOfTenant(manager, tenantId, userId);
      const roles = new RolesRepository(manager);
      const wanted = await this.rolesNamed(roles, tenantId, request);
      assertGrantable(caller.permissions, [...new Set(wanted.flatMap((role) => role.permissions))]);
      if ((await roles.assign(userId, wanted.map((role) => role.id))) > 0) {
        await this.publisher.publish(manager, { type: 'user.updated', tenantId, subject: userId, data: { user_id: userId, changed_fields: ['roles'] } });
      }
      return { user_id: userId, roles: await roles.rolesOf(tenantId, userId) };
    });
  }

  private async rolesNamed(roles: RolesRepository, tenantId: string, request: { roleIds?: string[]; role?: string }): Promise<RoleRecord[]> {
    if (request.role !== undefined) {
      const role = await roles.findByName(tenantId, request.role.trim());
      if (!role) throw new DomainError(ErrorKind.NOT_FOUND, 'role not found', { details: [{ field: 'role', message: 'no role of this name in the tenant' }] });
      return [role];
    }
    const ids = request.roleIds ?? [];
    const found = await roles.findByIds(tenantId, ids);
    const missing = ids.map((id, index) => ({ id, index })).filter(({ id }) => !found.some((role) => role.id === id));
    if (missing.length > 0) {
      throw new DomainError(ErrorKind.NOT_FOUND, 'role not found', {
        details: missing.map(({ index }) => ({ field: `role_ids[${index}]`, message: 'no role with this id in the tenant' })),
      });
    }
    return found;
  }
}

async function lockUserOfTenant(manager: EntityManager, tenantId: string, userId: string): Promise<void> {
  const rows: unknown[] = await manager.query('SELECT 1 FROM directory.users WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [userId, tenantId]);
  if (rows.length === 0) throw new DomainError(ErrorKind.NOT_FOUND, 'user not found');
}

function validation(field: string, message: string): DomainError {
  return new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field, message }] });
}
