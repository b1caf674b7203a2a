import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import type { ClientRecord, ClientRegistry } from '@sigma/auth/feature-clients';
import type { AuthTokensOptions, LoginCompletionService, LoginSessionService, MfaStepService, RefreshTokenService, TokenIssuerService } from '@sigma/auth/feature-tokens';
import type { IdentityClaims } from '@sigma/shared/contracts-internal';
import type { AccessTokenVerifier, Caller } from '@sigma/shared/util-auth';
import type { DataSource } from 'typeorm';
import { AdminAuthRequest } from './admin-auth.request.dto';
import { AdminAuthService, FIRST_PARTY_SESSION_SECONDS } from './admin-auth.service';

const TENANT = '11111111-1111-4111-8111-111111111111';
const USER = '22222222-2222-4222-8222-222222222222';

const claims: IdentityClaims = {
  user_id: USER,
  tenant_id: TENANT,
  username: 'jane@example.com',
  email: 'jane@example.com',
  email_verified: false,
  first_name: 'Jane',
  last_name: 'Smith',
  is_active: true,
  roles: ['user'],
  permissions: [],
  mfa: { totp: false, webauthn: false },
  last_login: null,
};

function application(settings: Partial<ClientRecord['settings']> = {}): ClientRecord {
  return {
    clientId: 'app-1',
    tenantId: TENANT,
    settings: { allowRegistration: true, requireEmailVerification: false, defaultRole: 'user', sessionTimeout: 3600, maxSessions: 5, ...settings },
  } as ClientRecord;
}

function request(body: Partial<AdminAuthRequest>): AdminAuthRequest {
  return Object.assign(new AdminAuthRequest(), body);
}

/** The service over recording fakes of its collaborators (no database, no directory). */
function serviceWith(options: { client?: ClientRecord; caller?: Partial<Caller>; sessionActive?: boolean } = {}) {
  const calls: Record<string, unknown[]> = { startSession: [], registerUser: [], endAllOf: [], endById: [], verifyPassword: [] };
  const directory = {
    verifyPassword: async (input: unknown) => {
      calls['verifyPassword'].push(input);
      return { user: claims };
    },
    registerUser: async (input: unknown) => {
      calls['registerUser'].push(input);
      return { user: claims };
    },
    userClaims: async () => ({ user: claims }),
  };
  const completion = {
    startSession: async (_claims: IdentityClaims, grant: unknown) => {
      calls['startSession'].push(grant);
      return {
        tokens: { access_token: 'at', refresh_token: 'rt', id_token: 'it', token_type: 'Bearer', expires_in: 900, scope: 'openid profile email' },
        sessionId: 'sid-1',
        sessionExpiresAt: new Date('2030-01-01T00:00:00Z'),
      };
    },
  };
  const sessions = {
    endAllOf: async (...args: unknown[]) => {
      calls['endAllOf'].push(args);
      return 2;
    },
    endById: async (...args: unknown[]) => {
      calls['endById'].push(args);
      return true;
    },
    status: async () => ({ active: options.sessionActive ?? true, userId: USER, clientId: 'app-1', expiresAt: new Date('2030-01-01T00:00:00Z') }),
  };
  const verifier = {
    verify: async () => ({ tenantId: TENANT, userId: USER, clientId: 'app-1', sessionId: 'sid-1', tokenId: 'j', scopes: [], roles: [], permissions: [], expiresAt: new Date(), ...options.caller }),
  };
  const clients = { findActiveByClientId: async (_tenant: string | undefined, clientId: string) => (clientId === 'app-1' ? options.client : undefined) };
  const dataSource = { manager: { query: async () => [] } };
  const service = new AdminAuthService(
    dataSource as unknown as DataSource,
    clients as unknown as ClientRegistry,
    completion as unknown as LoginCompletionService,
    {} as MfaStepService,
    {} as RefreshTokenService,
    {} as TokenIssuerService,
    sessions as unknown as LoginSessionService,
    verifier as unknown as AccessTokenVerifier,
    { directory } as unknown as AuthTokensOptions,
  );
  return { service, calls };
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('AdminAuthService', () => {
  it("caps a session without rememberMe at the application's sessionTimeout, and not with it", async () => {
    const { service, calls } = serviceWith({ client: application() });
    const answer = await service.handle(request({ action: 'login', clientId: 'app-1', email: 'jane@example.com', password: 'pw' }), { clientIp: '198.51.100.1' });
    await service.handle(request({ action: 'login', clientId: 'app-1', email: 'jane@example.com', password: 'pw', rememberMe: true }), {});
    expect(calls['startSession']).toEqual([expect.objectContaining({ clientId: 'app-1', maxSessionSeconds: 3600 }), expect.objectContaining({ maxSessionSeconds: undefined })]);
    expect(calls['verifyPassword'][0]).toMatchObject({ tenant_id: TENANT, client_ip: '198.51.100.1' });
    expect(answer.answer).toMatchObject({ success: true, session: { id: 'sid-1', expiresAt: '2030-01-01T00:00:00.000Z' }, tokens: { accessToken: 'at', tokenType: 'Bearer' } });
  });

  it('uses the first-party client and its default session length without clientId', async () => {
    const { service, calls } = serviceWith();
    await service.handle(request({ action: 'login', email: 'jane@example.com', password: 'pw' }), {});
    expect(calls['startSession']).toEqual([expect.objectContaining({ clientId: 'sigma-iam', maxSessionSeconds: FIRST_PARTY_SESSION_SECONDS })]);
    expect(calls['verifyPassword'][0]).toMatchObject({ tenant_id: undefined });
  });

  it('refuses login to an application that requires a verified email while it is not', async () => {
    const { service, calls } = serviceWith({ client: application({ requireEmailVerification: true }) });
    const error = await refusal(service.handle(request({ action: 'login', clientId: 'app-1', email: 'jane@example.com', password: 'pw' }), {}));
    expect(error.kind).toBe(ErrorKind.INSUFFICIENT_PERMISSIONS);
    expect(calls['startSession']).toHaveLength(0);
  });

  it("registers with the application's defaultRole, and without tokens when the email must be verified first", async () => {
    const { service, calls } = serviceWith({ client: application({ requireEmailVerification: true, defaultRole: 'member' }) });
    const { answer, created } = await service.handle(request({ action: 'register', clientId: 'app-1', email: 'jane@example.com', password: 'pw', acceptTerms: true }), {});
    expect(created).toBe(true);
    expect(calls['registerUser']).toEqual([expect.objectContaining({ tenant_id: TENANT, role: 'member' })]);
    expect(answer.tokens).toBeUndefined();
    expect(calls['startSession']).toHaveLength(0);
  });

  it('refuses registration where the application does not allow it, or without accepted terms', async () => {
    const closed = serviceWith({ client: application({ allowRegistration: false }) });
    expect((await refusal(closed.service.handle(request({ action: 'register', clientId: 'app-1', email: 'a@b.c', password: 'pw', acceptTerms: true }), {}))).kind).toBe(ErrorKind.INSUFFICIENT_PERMISSIONS);
    const open = serviceWith({ client: application() });
    const noTerms = await refusal(open.service.handle(request({ action: 'register', clientId: 'app-1', email: 'a@b.c', password: 'pw' }), {}));
    expect(noTerms.details).toEqual([expect.objectContaining({ field: 'acceptTerms' })]);
    expect(closed.calls['registerUser']).toHaveLength(0);
    expect(open.calls['registerUser']).toHaveLength(0);
  });

  it('logs out the token’s session, or every session with allSessions; a token of another application is refused', async () => {
    const { service, calls } = serviceWith({ client: application() });
    await service.handle(request({ action: 'logout', accessToken: 'token' }), {});
    await service.handle(request({ action: 'logout', accessToken: 'token', allSessions: true }), {});
    expect(calls['endById']).toEqual([[TENANT, USER, 'sid-1', 'logout']]);
    expect(calls['endAllOf']).toEqual([[TENANT, USER, 'logout']]);
    expect((await refusal(service.handle(request({ action: 'logout', clientId: 'other', accessToken: 'token' }), {}))).kind).toBe(ErrorKind.INVALID_TOKEN);
  });

  it('does not verify a token whose session ended, or a client token without a user', async () => {
    expect((await refusal(serviceWith({ sessionActive: false }).service.handle(request({ action: 'verify', accessToken: 't' }), {}))).kind).toBe(ErrorKind.INVALID_TOKEN);
    expect((await refusal(serviceWith({ caller: { userId: undefined } }).service.handle(request({ action: 'verify', accessToken: 't' }), {}))).kind).toBe(ErrorKind.INVALID_TOKEN);
    const valid = await serviceWith().service.handle(request({ action: 'verify', accessToken: 't' }), {});
    expect(valid.answer).toMatchObject({ success: true, valid: true, user: { id: USER, role: 'user' }, session: { id: 'sid-1' } });
  });

  it('names the missing field of each action', async () => {
    const { service } = serviceWith();
    for (const [body, field] of [
      [{ action: 'login', password: 'pw' }, 'email'],
      [{ action: 'login', email: 'a@b.c' }, 'password'],
      [{ action: 'refresh' }, 'refreshToken'],
      [{ action: 'verify' }, 'accessToken'],
      [{ action: 'register', email: 'a@b.c', password: 'pw', acceptTerms: true }, 'clientId'],
      [{ action: 'login', mfaSessionId: 'm' }, 'totpCode'],
    ] as const) {
      const error = await refusal(service.handle(request(body), {}));
      expect(error.details).toEqual([expect.objectContaining({ field })]);
    }
  });
});
