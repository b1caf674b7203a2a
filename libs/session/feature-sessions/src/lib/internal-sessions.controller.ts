import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SessionErrors } from '@sigma/session/domain';
import {
  CreateSessionRequest,
  RevocationFeedQuery,
  RevocationFeedResponse,
  RevokeSessionRequest,
  SessionStatusQuery,
  SessionStatusResponse,
  SignInRevocationQuery,
  SignInRevocationResponse,
  TouchSessionRequest,
} from '@sigma/shared/contracts-internal';
import { isUuid } from '@sigma/shared/util-auth';
import { RevocationFeedService } from './revocation-feed.service';
import { SessionLifecycleService } from './session-lifecycle.service';
import { sessionStatusOf } from './session.presenters';
import { SessionQueryService } from './session-query.service';

function sessionIdOf(id: string): string {
  if (!isUuid(id)) throw SessionErrors.notFound();
  return id;
}

/**
 * The internal session API (contracts-internal SESSION_INTERNAL_ROUTES) for auth-server and the
 * gateway. Served under /internal/v1, which the gateway never routes and whose OpenAPI paths it never
 * publishes; like the directory's internal API, only in-cluster callers reach it (network policies).
 */
@ApiTags('internal: sessions')
@Controller('internal/v1')
export class InternalSessionsController {
  constructor(
    private readonly lifecycle: SessionLifecycleService,
    private readonly queries: SessionQueryService,
    private readonly feed: RevocationFeedService,
  ) {}

  @Post('sessions')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Create the session of a login',
    description:
      'Policy: the service defaults, overridden by the tenant policy, overridden by application_policy (the application registration). remember_me uses ' +
      'the remember-me lifetime. Beyond max sessions (per application when the application sets it, and per tenant) the oldest sessions are revoked ' +
      '(session.revoked, reason max_sessions). Publishes session.created. Device fields not given are read from user_agent.',
  })
  async create(@Body() body: CreateSessionRequest): Promise<SessionStatusResponse> {
    const { session } = await this.lifecycle.create({
      tenantId: body.tenant_id,
      userId: body.user_id,
      clientId: body.client_id,
      clientName: body.client_name,
      userEmail: body.user_email,
      ipAddress: body.ip_address,
      userAgent: body.user_agent,
      device: body.device && { deviceType: body.device.device_type, deviceName: body.device.device_name, browser: body.device.browser, os: body.device.os },
      country: body.country,
      city: body.city,
      rememberMe: body.remember_me ?? false,
      amr: body.amr ?? [],
      applicationPolicy: body.application_policy && { idleTimeoutSeconds: body.application_policy.idle_timeout_seconds, maxSessions: body.application_policy.max_sessions },
    });
    return sessionStatusOf(session, this.queries.now());
  }

  @Post('sessions/:id/touch')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record activity (a refresh)',
    description: 'active: false (nothing touched) for a revoked, expired or idle session; an expired or idle one is revoked now (idle_timeout / expired). 404 for an unknown id or another tenant.',
  })
  async touch(@Param('id') id: string, @Body() body: TouchSessionRequest): Promise<SessionStatusResponse> {
    return sessionStatusOf(await this.lifecycle.touch(body.tenant_id, sessionIdOf(id)), this.queries.now());
  }

  @Post('sessions/:id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a session', description: 'Publishes session.revoked with the reason; a session that ended already is answered unchanged (no event).' })
  async revoke(@Param('id') id: string, @Body() body: RevokeSessionRequest): Promise<SessionStatusResponse> {
    return sessionStatusOf(await this.lifecycle.revoke(body.tenant_id, sessionIdOf(id), body.reason), this.queries.now());
  }

  @Get('sessions/:id')
  @ApiOperation({ summary: 'The state of a session', description: 'No side effect (introspection asks this). 404 for an unknown id or another tenant.' })
  async status(@Param('id') id: string, @Query() query: SessionStatusQuery): Promise<SessionStatusResponse> {
    return sessionStatusOf(await this.lifecycle.status(query.tenant_id, sessionIdOf(id)), this.queries.now());
  }

  @Post('sign-in-revocation')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Whether a browser sign-in was signed out',
    description:
      "auth-server asks before it honours its browser session cookie: revoked when a session the sign-in started was revoked on purpose (not idle or expired) or is gone, " +
      'or the user was revoked as a subject at or after since. No side effect.',
  })
  signInRevocation(@Body() body: SignInRevocationQuery): Promise<SignInRevocationResponse> {
    return this.queries.signInRevocation(body.tenant_id, body.user_id, new Date(body.since), body.session_ids);
  }

  @Get('revocations')
  @ApiOperation({
    summary: 'Revocation feed for the gateway deny-list',
    description: 'Revoked sessions and subjects at or after since (default and floor: now minus REVOCATION_FEED_WINDOW_SECONDS), in log order; page with next_cursor.',
  })
  revocations(@Query() query: RevocationFeedQuery): Promise<RevocationFeedResponse> {
    const since = query.since === undefined ? undefined : new Date(query.since);
    if (since !== undefined && Number.isNaN(since.getTime())) throw SessionErrors.invalid('since', 'must be an ISO 8601 date-time');
    return this.feed.page({ since, cursor: query.cursor, limit: query.limit });
  }
}
