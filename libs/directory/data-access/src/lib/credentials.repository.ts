import { EntityManager } from 'typeorm';
import { DEFAULT_TENANT_SLUG } from './directory-bootstrap.repository';
import { returnedRows } from './tenants.repository';
import { UserAccessQuery } from './user-access.query';

/** What a password login needs to know about the account an identifier names. */
export interface LoginAccount {
  userId: string;
  tenantId: string;
  isActive: boolean;
  /** False when the tenant is suspended or disabled: nobody of it may sign in. */
  tenantActive: boolean;
  passwordHash: string | null;
}

/** How repeated failures lock an account: from `threshold` failures on, for base·2^(n−threshold) seconds, capped. */
export interface LockoutPolicy {
  threshold: number;
  baseSeconds: number;
  maxSeconds: number;
}

/** A sign-in subject's failures after one more, as recorded. */
export interface SignInFailures {
  failureCount: number;
  lockedUntil: Date | null;
}

/** A user's identity and effective access, as auth-server puts it into tokens. */
export interface IdentityRecord {
  userId: string;
  tenantId: string;
  username: string;
  email: string;
  emailVerified: boolean;
  firstName: string | null;
  lastName: string | null;
  isActive: boolean;
  roles: string[];
  permissions: string[];
  mfa: { totp: boolean; webauthn: boolean };
  lastLogin: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

interface AccountRow {
  id: string;
  tenant_id: string;
  is_active: boolean;
  tenant_status: string;
  hash: string | null;
}

interface IdentityRow {
  id: string;
  tenant_id: string;
  username: string;
  email: string;
  email_verified: boolean;
  first_name: string | null;
  last_name: string | null;
  is_active: boolean;
  last_login: Date | null;
  created_at: Date;
  updated_at: Date;
  has_totp: boolean;
  has_webauthn: boolean;
}

const INACTIVE_TENANT_STATUSES = ['suspended', 'disabled', 'inactive'];

/** Data access for verifying credentials: lookups by identifier, failure counters, claims. */
export class CredentialsRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * The account an email or username names (case-insensitive) in a tenant, or in the `default`
   * tenant when none is given. An identifier that is one user's email and another's username
   * names the email's owner.
   */
  async findLoginAccount(tenantId: string | undefined, identifier: string): Promise<LoginAccount | undefined> {
    const rows: AccountRow[] = await this.manager.query(
      `SELECT u.id, u.tenant_id, u.is_active, t.status AS tenant_status, pc.hash
         FROM directory.users u
         JOIN directory.tenants t ON t.id = u.tenant_id
         LEFT JOIN directory.password_credentials pc ON pc.user_id = u.id
        WHERE u.tenant_id = COALESCE($1::uuid, (SELECT id FROM directory.tenants WHERE slug = $3))
          AND (lower(u.email) = lower($2) OR lower(u.username) = lower($2))
        ORDER BY (lower(u.email) = lower($2)) DESC
        LIMIT 1`,
      [tenantId ?? null, identifier, DEFAULT_TENANT_SLUG],
    );
    return rows[0] && toAccount(rows[0]);
  }

  /** The account of a user id within a tenant. */
  async findAccount(tenantId: string, userId: string): Promise<LoginAccount | undefined> {
    const rows: AccountRow[] = await this.manager.query(
      `SELECT u.id, u.tenant_id, u.is_active, t.status AS tenant_status, pc.hash
         FROM directory.users u
         JOIN directory.tenants t ON t.id = u.tenant_id
         LEFT JOIN directory.password_credentials pc ON pc.user_id = u.id
        WHERE u.id = $1 AND u.tenant_id = $2`,
      [userId, tenantId],
    );
    return rows[0] && toAccount(rows[0]);
  }

  /**
   * Seconds until the lock of a sign-in subject (a user id, or the digest standing for an
   * identifier that names no account) ends by the database clock; 0 when it is not locked.
   */
  async secondsLocked(subject: string): Promise<number> {
    const rows: Array<{ seconds: number | null }> = await this.manager.query(
      'SELECT CEIL(EXTRACT(EPOCH FROM (locked_until - now())))::int AS seconds FROM directory.sign_in_failures WHERE subject = $1',
      [subject],
    );
    return Math.max(0, rows[0]?.seconds ?? 0);
  }

  /**
   * Counts one more failure of a sign-in subject, atomically, whether or not it names an account
   * (one statement, one row either way), and locks it once the policy says so (the database clock
   * decides the lock's end). Failures older than `forgetAfterSeconds` are forgotten first.
   */
  async recordFailure(subject: string, policy: LockoutPolicy, forgetAfterSeconds: number): Promise<SignInFailures> {
    // The count after this failure: 1 for a new subject or one whose last failure is forgotten.
    const count = 'CASE WHEN f.last_failure_at < now() - make_interval(secs => $5::float8) THEN 1 ELSE f.failure_count + 1 END';
    const lockAfter = (n: string) => `CASE WHEN ${n} >= $2::int THEN now() + make_interval(secs => LEAST($4::float8, $3::float8 * power(2, ${n} - $2::int))) END`;
    const rows: Array<{ failure_count: number; locked_until: Date | null }> = await this.manager.query(
      `INSERT INTO directory.sign_in_failures AS f (subject, failure_count, last_failure_at, locked_until)
       VALUES ($1, 1, now(), ${lockAfter('1')})
       ON CONFLICT (subject) DO UPDATE SET failure_count = ${count}, last_failure_at = now(), locked_until = ${lockAfter(count)}
       RETURNING failure_count, locked_until`,
      [subject, policy.threshold, policy.baseSeconds, policy.maxSeconds, forgetAfterSeconds],
    );
    return { failureCount: rows[0]?.failure_count ?? 0, lockedUntil: rows[0]?.locked_until ?? null };
  }

  /** A completed sign-in step: the user's failures are forgotten; `lastLogin` also records the time of the login. Answers last_login. */
  async recordSuccess(userId: string, options: { lastLogin: boolean }): Promise<Date | null> {
    const result: unknown = await this.manager.query(
      options.lastLogin
        ? `WITH cleared AS (DELETE FROM directory.sign_in_failures WHERE subject = $2)
           UPDATE directory.users SET last_login = now() WHERE id = $1 RETURNING last_login`
        : `WITH cleared AS (DELETE FROM directory.sign_in_failures WHERE subject = $2)
           SELECT last_login FROM directory.users WHERE id = $1`,
      [userId, userId],
    );
    return returnedRows<{ last_login: Date | null }>(result)[0]?.last_login ?? null;
  }

  /** Deletes failure counts that are forgotten and no longer lock anything; answers how many went. */
  async purgeForgottenFailures(forgetAfterSeconds: number): Promise<number> {
    // DELETE answers [rows, affected count] through TypeORM's postgres driver.
    const [, count]: [unknown[], number] = await this.manager.query(
      'DELETE FROM directory.sign_in_failures WHERE last_failure_at < now() - make_interval(secs => $1::float8) AND (locked_until IS NULL OR locked_until < now())',
      [forgetAfterSeconds],
    );
    return count;
  }

  /** Identity, roles, effective permissions and enrolled second factors of a user in a tenant. */
  async identityOf(tenantId: string, userId: string): Promise<IdentityRecord | undefined> {
    const rows: IdentityRow[] = await this.manager.query(
      `SELECT u.id, u.tenant_id, u.username, u.email, u.email_verified, u.first_name, u.last_name, u.is_active, u.last_login, u.created_at, u.updated_at,
              EXISTS (SELECT 1 FROM directory.totp_credentials tc WHERE tc.user_id = u.id) AS has_totp,
              EXISTS (SELECT 1 FROM directory.webauthn_credentials wc WHERE wc.user_id = u.id) AS has_webauthn
         FROM directory.users u WHERE u.id = $1 AND u.tenant_id = $2`,
      [userId, tenantId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const access = await new UserAccessQuery(this.manager).forUser(tenantId, userId);
    return {
      userId: row.id,
      tenantId: row.tenant_id,
      username: row.username,
      email: row.email,
      emailVerified: row.email_verified,
      firstName: row.first_name,
      lastName: row.last_name,
      isActive: row.is_active,
      roles: access.roles.map((role) => role.name),
      permissions: access.permissions,
      mfa: { totp: row.has_totp, webauthn: row.has_webauthn },
      lastLogin: row.last_login,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}

function toAccount(row: AccountRow): LoginAccount {
  return {
    userId: row.id,
    tenantId: row.tenant_id,
    isActive: row.is_active,
    tenantActive: !INACTIVE_TENANT_STATUSES.includes(row.tenant_status),
    passwordHash: row.hash,
  };
}
