import { Injectable } from '@nestjs/common';
import { GroupRecord, GroupsRepository } from '@sigma/directory/data-access';
import { Caller } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { DataSource } from 'typeorm';
import { assertGrantable, canonicalPermissions, slugOf } from './permission-grants';

export interface GroupInput {
  name: string;
  slug?: string;
  description?: string;
  permissions?: string[];
  color?: string;
  icon?: string;
  isDefault?: boolean;
}

/** A tenant's groups (seed 002): listing and creation, with the same grant rule as roles. */
@Injectable()
export class GroupsService {
  constructor(private readonly dataSource: DataSource) {}

  list(caller: Caller): Promise<GroupRecord[]> {
    return new GroupsRepository(this.dataSource.manager).list(caller.tenantId);
  }

  async create(caller: Caller, input: GroupInput): Promise<GroupRecord> {
    const name = input.name.trim();
    const permissions = canonicalPermissions(input.permissions ?? []);
    assertGrantable(caller.permissions, permissions);
    const slug = input.slug ?? slugOf(name);
    if (slug === '') {
      throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field: 'name', message: 'name must contain a letter or digit' }] });
    }
    return this.dataSource.transaction(async (manager) => {
      const groups = new GroupsRepository(manager);
      const conflicts = await groups.conflictsOf(caller.tenantId, { slug, name });
      if (conflicts.length > 0) {
        throw new DomainError(ErrorKind.CONFLICT, `a group with this ${conflicts.join(' and ')} already exists in the tenant`, {
          details: conflicts.map((field) => ({ field, message: `${field} is already used by another group` })),
        });
      }
      return groups.create(caller.tenantId, {
        name,
        slug,
        description: input.description ?? null,
        permissions,
        isDefault: input.isDefault ?? false,
        color: input.color ?? null,
        icon: input.icon ?? null,
      });
    });
  }
}
