import { Body, Controller, Delete, Get, HttpCode, Inject, Put, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { TenantPolicyRepository } from '@sigma/session/data-access';
import { resolveSessionPolicy, SessionErrors, SessionPolicy } from '@sigma/session/domain';
import { Authenticated, Caller, CurrentCaller } from '@sigma/shared/util-auth';
import { DataSource } from 'typeorm';
import { AdminRevokeQuery, AdminSessionsQuery, SessionPolicyRequest } from './admin-sessions.request.dto';
import { SessionLifecycleService } from './session-lifecycle.service';
import { SESSION_OPTIONS, SessionOptions } from './session.options';
import { adminSessionOf, AdminSessionView } from './session.presenters';
import { SessionQueryService } from './session-query.service';
import { SessionTenantScope } from './tenant-scope';

const DEFAULT_LIMIT = 50;

interface PolicyView {
  success: true;
  policy: { idleTimeout: number; absoluteLifetime: number; rememberMeLifetime: number; maxSessions: number };
  message: string;
}

function policyViewOf(policy: SessionPolicy, message: string): PolicyView {
  return {
    success: true,
    policy: { idleTimeout: policy.idleTimeoutSeconds, absoluteLifetime: policy.absoluteLifetimeSeconds, rememberMeLifetime: policy.rememberMeLifetimeSeconds, maxSessions: policy.maxSessions },
    message,
  };
}

/** Seed 002's session management in the caller's tenant, and the tenant's session policy. Admin envelope. */
@ApiTags('Session management')
@Controller('api/admin/identity/sessions')
export class AdminSessionsController {
  constructor(
    private readonly lifecycle: SessionLifecycleService,
    private readonly queries: SessionQueryService,
    private readonly scope: SessionTenantScope,
    private readonly dataSource: DataSource,
    @Inject(SESSION_OPTIONS) private readonly options: SessionOptions,
  ) {}

  @Get()
  @Authenticated('sessions:read')
  @ApiOperation({
    summary: "The tenant's sessions",
    description:
      'Seed 002 (sessions:read): userId, applicationId (the application\'s client id), active (true/false) filters; page and limit (1-100, default 50) beyond the seed; ' +
      'tenantId (another tenant) for platform operators only (403 for anyone else, 404 for an unknown tenant). ' +
      'Answers {success, sessions: [{id, userId, userEmail, applicationId, applicationName, isActive, deviceInfo, location, createdAt, lastActivityAt, expiresAt, ' +
      'revokedAt, revokedReason}], total, activeCount, message}, newest first; total and activeCount count every session the filters match. No session secret ' +
      'exists (tokens name the session id), so the seed\'s `token` field is not sent.',
  })
  async list(@CurrentCaller() caller: Caller, @Query() query: AdminSessionsQuery): Promise<{ success: true; sessions: AdminSessionView[]; total: number; activeCount: number; message: string }> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const tenantId = await this.scope.resolve(caller, query.tenantId);
    const { sessions, total, activeCount } = await this.queries.list(
      { tenantId, userId: query.userId, clientId: query.applicationId, active: query.active === undefined ? undefined : query.active === 'true' },
      { limit, offset: ((query.page ?? 1) - 1) * limit },
    );
    const now = this.queries.now();
    return { success: true, sessions: sessions.map((session) => adminSessionOf(session, now)), total, activeCount, message: 'Sessions retrieved successfully' };
  }

  @Delete()
  @HttpCode(200)
  @Authenticated('sessions:write')
  @ApiOperation({
    summary: 'Revoke sessions',
    description:
      'Seed 002 (sessions:write): sessionId revokes that session (404 when not in the tenant); userId (with revokeAll=true, or alone) revokes every session of the user. ' +
      'Exactly one of sessionId and userId; revokeAll=true without userId, or revokeAll=false with it, is 400. Each revocation publishes session.revoked (reason admin). ' +
      'tenantId (another tenant) for platform operators only (403 for anyone else, 404 for an unknown tenant). ' +
      'Answers {success, revokedCount, message}.',
  })
  async revoke(@CurrentCaller() caller: Caller, @Query() query: AdminRevokeQuery): Promise<{ success: true; revokedCount: number; message: string }> {
    if (query.sessionId !== undefined && query.userId !== undefined) throw SessionErrors.invalid('sessionId', 'and userId cannot be combined');
    const tenantId = await this.scope.resolve(caller, query.tenantId);
    if (query.sessionId !== undefined) {
      if (query.revokeAll !== undefined) throw SessionErrors.invalid('revokeAll', 'requires userId');
      const before = await this.queries.find(tenantId, query.sessionId);
      if (!before) throw SessionErrors.notFound();
      const after = await this.lifecycle.revoke(tenantId, query.sessionId, 'admin');
      return { success: true, revokedCount: before.revokedAt === null && after.revokedAt !== null ? 1 : 0, message: 'Session revoked successfully' };
    }
    if (query.userId === undefined) throw SessionErrors.invalid(query.revokeAll === undefined ? 'sessionId' : 'revokeAll', query.revokeAll === undefined ? 'or userId is required' : 'requires userId');
    if (query.revokeAll === 'false') throw SessionErrors.invalid('revokeAll', 'must be true to revoke the sessions of a user');
    const ended = await this.lifecycle.revokeUser(tenantId, query.userId, 'admin', { subject: false });
    return { success: true, revokedCount: ended.length, message: 'Sessions revoked successfully' };
  }

  @Get('policy')
  @Authenticated('sessions:read')
  @ApiOperation({
    summary: "The tenant's session policy",
    description: 'In seconds: idleTimeout, absoluteLifetime, rememberMeLifetime, and maxSessions per user; the service defaults where the tenant sets none. Applications override idleTimeout and maxSessions with their registration settings (sessionTimeout, maxSessions).',
  })
  async policy(@CurrentCaller() caller: Caller): Promise<PolicyView> {
    const policy = resolveSessionPolicy(this.options.defaults, await new TenantPolicyRepository(this.dataSource.manager).find(caller.tenantId));
    return policyViewOf(policy, 'Session policy retrieved successfully');
  }

  @Put('policy')
  @Authenticated('sessions:write')
  @ApiOperation({ summary: "Replace the tenant's session policy", description: 'Fields left out return to the service defaults. Applies to sessions created afterwards.' })
  async savePolicy(@CurrentCaller() caller: Caller, @Body() body: SessionPolicyRequest): Promise<PolicyView> {
    const override = { idleTimeoutSeconds: body.idleTimeout, absoluteLifetimeSeconds: body.absoluteLifetime, rememberMeLifetimeSeconds: body.rememberMeLifetime, maxSessions: body.maxSessions };
    await new TenantPolicyRepository(this.dataSource.manager).save(caller.tenantId, override, this.queries.now());
    return policyViewOf(resolveSessionPolicy(this.options.defaults, override), 'Session policy updated successfully');
  }
}
