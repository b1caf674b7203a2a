import { Body, Controller, Get, Header, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SessionErrors } from '@sigma/session/domain';
import { Authenticated, Caller, CurrentCaller, isUuid, permits } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { ActiveSessionsQuery, RevokeSessionQuery, SubjectRevokeRequest } from './identity-sessions.request.dto';
import { SessionLifecycleService } from './session-lifecycle.service';
import { activeSessionOf, ActiveSessionView } from './session.presenters';
import { SessionQueryService } from './session-query.service';
import { SessionTenantScope } from './tenant-scope';

/** The caller's tenant; naming another one is 403 (sessions never cross tenants). */
export function ownTenant(caller: Caller, requested: string | undefined): string {
  if (requested !== undefined && requested !== caller.tenantId) throw SessionErrors.otherTenant();
  return caller.tenantId;
}

function userOf(caller: Caller): string {
  if (caller.userId === undefined) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'only tokens issued to a user have sessions');
  return caller.userId;
}

/** Seed 001's session management: the caller's sessions, revoking one, revoking a subject. OAuth-style errors. */
@ApiTags('Sessions')
@Controller('identity/v2')
export class IdentitySessionsController {
  constructor(
    private readonly lifecycle: SessionLifecycleService,
    private readonly queries: SessionQueryService,
    private readonly scope: SessionTenantScope,
  ) {}

  @Get('sessions/active')
  @Authenticated()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "The caller's active sessions",
    description:
      "Seed 001: {sessions: [{id, created_at, last_activity, device_info: {user_agent, ip_address, device_type, device_name, browser, os}, expires_at, client_id, current}]}, newest first, in every application. " +
      "tenant_id (optional) must be the caller's tenant (another: 403). Needs a user's access token (401 without; 403 for a client's token).",
  })
  async active(@CurrentCaller() caller: Caller, @Query() query: ActiveSessionsQuery): Promise<{ sessions: ActiveSessionView[] }> {
    const tenantId = ownTenant(caller, query.tenant_id);
    const sessions = await this.queries.activeOfUser(tenantId, userOf(caller));
    return { sessions: sessions.map((session) => activeSessionOf(session, caller.sessionId)) };
  }

  @Post('sessions/:id/revoke')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({
    summary: 'Revoke a session',
    description:
      "The caller's own session, or any session of the caller's tenant with sessions:write (another user's without it: 403). Answers {session_id, revoked: true, revoked_at}; " +
      'session.revoked is published (reason logout for one\'s own, admin otherwise). Revoking an ended session answers its end again. Unknown id, malformed id or another tenant\'s: 404. ' +
      'tenant_id (query) names another tenant, for platform operators only (403 for anyone else).',
  })
  async revoke(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query() query: RevokeSessionQuery,
  ): Promise<{ session_id: string; revoked: true; revoked_at: string | null; reason: string | null }> {
    const tenantId = await this.scope.resolve(caller, query.tenant_id);
    if (!isUuid(id)) throw SessionErrors.notFound();
    const session = await this.queries.find(tenantId, id);
    if (!session) throw SessionErrors.notFound();
    const own = caller.userId !== undefined && session.userId === caller.userId;
    if (!own && !permits(caller.permissions, 'sessions:write')) throw SessionErrors.notYours();
    const ended = await this.lifecycle.revoke(tenantId, id, own && tenantId === caller.tenantId ? 'logout' : 'admin');
    return { session_id: ended.id, revoked: true, revoked_at: ended.revokedAt?.toISOString() ?? null, reason: ended.revokedReason };
  }

  @Post('subject/revoke')
  @HttpCode(200)
  @Authenticated()
  @ApiOperation({
    summary: 'Revoke every session of a user',
    description:
      "Seed 001 {user_id, tenant_id}: tenant_id must be the caller's (another: 403, except for platform operators, ADR 15); sessions:write, or the user themself (sign out everywhere). Every session of the user " +
      'is revoked (session.revoked, reason subject_revoked) and the subject is added to the revocation feed, so the gateway denies the user\'s earlier tokens. ' +
      'Answers {user_id, tenant_id, revoked_sessions}; an unknown user has none (0).',
  })
  async revokeSubject(@CurrentCaller() caller: Caller, @Body() body: SubjectRevokeRequest): Promise<{ user_id: string; tenant_id: string; revoked_sessions: number }> {
    const tenantId = await this.scope.resolve(caller, body.tenant_id);
    if ((body.user_id !== caller.userId || tenantId !== caller.tenantId) && !permits(caller.permissions, 'sessions:write')) {
      throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'revoking another user needs the permission sessions:write');
    }
    const ended = await this.lifecycle.revokeUser(tenantId, body.user_id, 'subject_revoked', { subject: true });
    return { user_id: body.user_id, tenant_id: tenantId, revoked_sessions: ended.length };
  }
}
