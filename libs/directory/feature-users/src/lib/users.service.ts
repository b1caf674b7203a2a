import { Inject, Injectable } from '@nestjs/common';
import { TenantRole, UserAccessQuery, UserChanges, UserRecord, UsersRepository } from '@sigma/directory/data-access';
import { DIRECTORY_OPTIONS, DirectoryOptions, passwordProblems, UserListCriteria } from '@sigma/directory/domain';
import { OutboxPublisher } from '@sigma/shared/data-access-events';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { hash } from 'bcrypt';
import { DataSource, EntityManager } from 'typeorm';
import { assertMayGrantRoles, assertMayManage } from './user-grants';
import { UserView } from './users.presenters';

/** Names a user's profile fields may be given in; full name is split when first and last are absent. */
export interface NameInput {
  firstName?: string | null;
  lastName?: string | null;
  fullName?: string | null;
}

export interface NewUserInput extends NameInput {
  email: string;
  username?: string;
  password: string;
  /** Role names or slugs; the tenant's default roles when absent or empty. */
  roles?: string[];
  emailVerified?: boolean;
  isActive?: boolean;
}

export interface UserUpdateInput extends NameInput {
  email?: string;
  username?: string;
  password?: string;
  /** Replaces the user's roles. */
  roles?: string[];
  emailVerified?: boolean;
  isActive?: boolean;
}

/** How the calling API names the fields errors point at (seed 002 says `role`, the others `roles`). */
export interface FieldNames {
  roles: string;
  password: string;
}

export const V1_FIELDS: FieldNames = { roles: 'roles', password: 'password' };

/** Who acts: their permissions bound what they may grant and whom they may change. */
export interface Actor {
  permissions: readonly string[];
}

function invalid(field: string, message: string): DomainError {
  return new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field, message }] });
}

function conflict(fields: ReadonlyArray<'email' | 'username'>): DomainError {
  return new DomainError(ErrorKind.CONFLICT, `a user with this ${fields.join(' and ')} already exists in the tenant`, {
    details: fields.map((field) => ({ field, message: 'is already taken' })),
  });
}

function cleanName(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** First and last name from the input; a full name alone is split at its first space. */
export function namesOf(input: NameInput): { firstName?: string | null; lastName?: string | null } {
  if (input.fullName !== undefined && input.firstName === undefined && input.lastName === undefined) {
    const full = cleanName(input.fullName);
    if (full === null || full === undefined) return { firstName: null, lastName: null };
    const [first, ...rest] = full.split(/\s+/);
    return { firstName: first, lastName: rest.length > 0 ? rest.join(' ') : null };
  }
  return { firstName: cleanName(input.firstName), lastName: cleanName(input.lastName) };
}

/** The tenant's roles named by `names` (name or slug, case-insensitive); an unknown one is a field error. */
export function resolveRoles(tenantRoles: readonly TenantRole[], names: readonly string[], field: string): TenantRole[] {
  const resolved = new Map<string, TenantRole>();
  for (const name of names) {
    const wanted = name.trim().toLowerCase();
    const role = tenantRoles.find((r) => r.slug === wanted) ?? tenantRoles.find((r) => r.name.toLowerCase() === wanted);
    if (!role) throw invalid(field, `names no role of the tenant: ${name.slice(0, 100)}`);
    resolved.set(role.id, role);
  }
  return [...resolved.values()];
}

function defaultRoles(tenantRoles: readonly TenantRole[]): TenantRole[] {
  const defaults = tenantRoles.filter((role) => role.isDefault);
  return defaults.length > 0 ? defaults : tenantRoles.filter((role) => role.slug === 'user');
}

/**
 * Users of a tenant: list, read, create, change, delete, each change with its event published
 * through the outbox in the same transaction. The tenant has been decided by the caller (TenantScope).
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    @Inject(DIRECTORY_OPTIONS) private readonly options: DirectoryOptions,
  ) {}

  async list(tenantId: string, criteria: UserListCriteria): Promise<{ views: UserView[]; total: number; totalIsEstimate: boolean }> {
    const manager = this.dataSource.manager;
    const page = await new UsersRepository(manager).list(tenantId, criteria);
    return { views: await this.viewsOf(manager, tenantId, page.users), total: page.total, totalIsEstimate: page.totalIsEstimate };
  }

  async get(tenantId: string, id: string): Promise<UserView> {
    const manager = this.dataSource.manager;
    const user = await new UsersRepository(manager).findById(tenantId, id);
    if (!user) throw notFound();
    return (await this.viewsOf(manager, tenantId, [user]))[0];
  }

  async create(actor: Actor, tenantId: string, input: NewUserInput, fields: FieldNames = V1_FIELDS): Promise<UserView> {
    const email = input.email.trim().toLowerCase();
    const username = (input.username ?? email).trim();
    const names = namesOf(input);
    const problems = passwordProblems(input.password, { email, username, firstName: names.firstName, lastName: names.lastName }, fields.password);
    if (problems.length > 0) throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: problems });
    const repository = new UsersRepository(this.dataSource.manager);
    const tenantRoles = await repository.rolesOf(tenantId);
    const roles = input.roles && input.roles.length > 0 ? resolveRoles(tenantRoles, input.roles, fields.roles) : defaultRoles(tenantRoles);
    assertMayGrantRoles(actor.permissions, roles);
    const taken = await repository.takenIdentifiers(tenantId, { email, username });
    if (taken.length > 0) throw conflict(taken);
    const passwordHash = await hash(input.password, this.options.bcryptCost);
    const user = await this.dataSource.transaction(async (manager) => {
      const record = await new UsersRepository(manager).insert({
        tenantId,
        email,
        username,
        firstName: names.firstName ?? null,
        lastName: names.lastName ?? null,
        emailVerified: input.emailVerified ?? false,
        isActive: input.isActive ?? true,
        passwordHash,
        roleIds: roles.map((role) => role.id),
      });
      await this.publisher.publish(manager, { type: 'user.created', tenantId, subject: record.id, data: { user_id: record.id } });
      return record;
    });
    return (await this.viewsOf(this.dataSource.manager, tenantId, [user]))[0];
  }

  /**
   * Applies the changes given; publishes user.updated naming the changed fields (never their
   * values) when anything changed. A new email address is unverified unless the change says
   * otherwise. `actor` undefined: the user changes their own profile (no roles, no activation).
   */
  async update(actor: Actor | undefined, tenantId: string, id: string, input: UserUpdateInput, fields: FieldNames = V1_FIELDS): Promise<UserView> {
    const repository = new UsersRepository(this.dataSource.manager);
    const current = await repository.findById(tenantId, id);
    if (!current) throw notFound();
    if (actor) assertMayManage(actor.permissions, (await new UserAccessQuery(this.dataSource.manager).forUser(tenantId, id)).permissions);
    const roles = input.roles === undefined ? undefined : resolveRoles(await repository.rolesOf(tenantId), input.roles, fields.roles);
    if (roles && actor) assertMayGrantRoles(actor.permissions, roles);
    const email = input.email?.trim().toLowerCase();
    const username = input.username?.trim();
    const names = namesOf(input);
    let passwordHash: string | undefined;
    if (input.password !== undefined) {
      const owner = { email: email ?? current.email, username: username ?? current.username, firstName: names.firstName ?? current.firstName, lastName: names.lastName ?? current.lastName };
      const problems = passwordProblems(input.password, owner, fields.password);
      if (problems.length > 0) throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: problems });
    }
    const taken = await repository.takenIdentifiers(tenantId, { email: email !== current.email ? email : undefined, username: username !== current.username ? username : undefined }, id);
    if (taken.length > 0) throw conflict(taken);
    if (input.password !== undefined) passwordHash = await hash(input.password, this.options.bcryptCost);

    const updated = await this.dataSource.transaction(async (manager) => {
      const users = new UsersRepository(manager);
      const locked = await users.findById(tenantId, id, { lock: true });
      if (!locked) throw notFound();
      if (actor) assertMayManage(actor.permissions, (await new UserAccessQuery(manager).forUser(tenantId, id)).permissions);
      const changes = changesOf(locked, { email, username, ...names, emailVerified: input.emailVerified, isActive: input.isActive });
      const changed = (Object.keys(CHANGE_FIELD_NAMES) as Array<keyof UserChanges>).filter((key) => changes[key] !== undefined).map((key) => CHANGE_FIELD_NAMES[key]);
      let record: UserRecord = locked;
      if (changed.length > 0) record = (await users.update(tenantId, id, changes)) ?? locked;
      if (roles) {
        const held = (await new UserAccessQuery(manager).forUser(tenantId, id)).roles.map((role) => role.id).sort();
        const wanted = roles.map((role) => role.id).sort();
        if (held.join() !== wanted.join()) {
          await users.replaceRoles(id, wanted);
          changed.push('roles');
        }
      }
      if (passwordHash !== undefined) {
        await users.setPassword(id, passwordHash);
        changed.push('password');
      }
      if (changed.length > 0) {
        if (record === locked) record = (await users.update(tenantId, id, {})) ?? locked;
        await this.publisher.publish(manager, { type: 'user.updated', tenantId, subject: id, data: { user_id: id, changed_fields: changed } });
      }
      return record;
    });
    return (await this.viewsOf(this.dataSource.manager, tenantId, [updated]))[0];
  }

  /** Deletes the user with its credentials, memberships and second factors, and publishes user.deleted. */
  async delete(actor: Actor, tenantId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const users = new UsersRepository(manager);
      if (!(await users.findById(tenantId, id, { lock: true }))) throw notFound();
      assertMayManage(actor.permissions, (await new UserAccessQuery(manager).forUser(tenantId, id)).permissions);
      await users.delete(tenantId, id);
      await this.publisher.publish(manager, { type: 'user.deleted', tenantId, subject: id, data: { user_id: id } });
    });
  }

  /** Users with their access, and the highest-level role of each. */
  async viewsOf(manager: EntityManager, tenantId: string, users: readonly UserRecord[]): Promise<UserView[]> {
    if (users.length === 0) return [];
    const [access, roles] = await Promise.all([new UserAccessQuery(manager).forUsers(tenantId, users.map((u) => u.id)), new UsersRepository(manager).rolesOf(tenantId)]);
    const levels = new Map(roles.map((role) => [role.id, role.level]));
    return users.map((user) => {
      const grants = access.get(user.id) ?? { roles: [], groups: [], permissions: [] };
      const primary = [...grants.roles].sort((a, b) => (levels.get(b.id) ?? 0) - (levels.get(a.id) ?? 0))[0];
      return { user, access: grants, primaryRole: primary?.name ?? null };
    });
  }
}

const CHANGE_FIELD_NAMES: Readonly<Record<keyof UserChanges, string>> = {
  email: 'email',
  username: 'username',
  firstName: 'first_name',
  lastName: 'last_name',
  emailVerified: 'email_verified',
  isActive: 'is_active',
};

/** The given values that differ from the stored user; a changed email is unverified unless said otherwise. */
function changesOf(user: UserRecord, wanted: UserChanges): UserChanges {
  const changes: UserChanges = {};
  if (wanted.email !== undefined && wanted.email !== user.email) {
    changes.email = wanted.email;
    if (wanted.emailVerified === undefined && user.emailVerified) changes.emailVerified = false;
  }
  if (wanted.username !== undefined && wanted.username !== user.username) changes.username = wanted.username;
  if (wanted.firstName !== undefined && wanted.firstName !== user.firstName) changes.firstName = wanted.firstName;
  if (wanted.lastName !== undefined && wanted.lastName !== user.lastName) changes.lastName = wanted.lastName;
  if (wanted.emailVerified !== undefined && wanted.emailVerified !== user.emailVerified) changes.emailVerified = wanted.emailVerified;
  if (wanted.isActive !== undefined && wanted.isActive !== user.isActive) changes.isActive = wanted.isActive;
  return changes;
}

export function notFound(): DomainError {
  return new DomainError(ErrorKind.NOT_FOUND, 'user not found');
}
