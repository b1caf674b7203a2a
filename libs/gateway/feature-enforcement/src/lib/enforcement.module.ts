import { DynamicModule, Inject, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { createEventTransport, InMemoryEventBus } from '@sigma/shared/data-access-events';
import { AccessTokenVerifier } from '@sigma/shared/util-auth';
import type { EventSettings } from '@sigma/shared/util-config';
import { LOGGER, Logger } from '@sigma/shared/util-http';
import Redis from 'ioredis';
import { AllowedOrigins } from './allowed-origins';
import { DenyList } from './deny-list';
import { EdgeConfigClient } from './edge-config.client';
import { EnforcementSettings } from './enforcement.settings';
import { EVENT_TRANSPORT, SESSION_SERVICE_URL } from './enforcement.tokens';
import { MemoryThrottlerStorage } from './memory-throttler.storage';
import { RateLimiter } from './rate-limiter';
import { RedisThrottlerStorage } from './redis-throttler.storage';
import { MemoryReplayCache, RedisReplayCache, ReplayCache } from './replay-cache';
import { RevocationListener } from './revocation-listener.service';
import { TokenEnforcer } from './token-enforcer';
import { VerifiedTokenCache } from './verified-token-cache';

export interface EnforcementModuleOptions {
  settings: EnforcementSettings;
  events: EventSettings;
  authServerUrl: string;
  directoryUrl: string;
  sessionServiceUrl: string;
  /** The embedded mode's in-process bus (EVENT_TRANSPORT=memory). */
  bus?: InMemoryEventBus;
}

const REDIS = 'SIGMA_GATEWAY_REDIS';

/** Closes the shared Redis connection with the application. */
class RedisLifecycle implements OnApplicationShutdown {
  constructor(@Optional() @Inject(REDIS) private readonly redis?: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => this.redis?.disconnect());
  }
}

/** The gateway's enforcement: token checks, deny-list, rate limits, CORS (ADR 0016, 0017). */
@Module({})
export class EnforcementModule {
  static with(options: EnforcementModuleOptions): DynamicModule {
    const { settings } = options;
    const redis = settings.REDIS_URL ? new Redis(settings.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true }) : undefined;
    const storage: ThrottlerStorage = redis ? new RedisThrottlerStorage(redis) : new MemoryThrottlerStorage();
    const replay: ReplayCache = redis ? new RedisReplayCache(redis) : new MemoryReplayCache();
    const verifier = new AccessTokenVerifier({
      publicUrl: settings.PUBLIC_URL,
      jwksUrl: (tenantId) => `${options.authServerUrl}/.well-known/jwks.json?tenant_id=${encodeURIComponent(tenantId)}`,
      clockToleranceSeconds: settings.TOKEN_CLOCK_TOLERANCE_SECONDS,
    });
    const denyList = new DenyList(settings.REVOCATION_RETENTION_SECONDS);
    return {
      module: EnforcementModule,
      providers: [
        ...(redis ? [{ provide: REDIS, useValue: redis }] : []),
        RedisLifecycle,
        { provide: DenyList, useValue: denyList },
        {
          provide: TokenEnforcer,
          useValue: new TokenEnforcer(verifier, new VerifiedTokenCache(settings.VERIFIED_TOKEN_CACHE_SIZE), denyList, replay, {
            publicUrl: settings.PUBLIC_URL,
            dpopMaxAgeSeconds: settings.DPOP_PROOF_MAX_AGE_SECONDS,
          }),
        },
        { provide: RateLimiter, useValue: new RateLimiter(storage, settings.RATE_LIMIT_FACTOR) },
        { provide: EdgeConfigClient, useValue: new EdgeConfigClient({ directoryUrl: options.directoryUrl, ttlSeconds: settings.EDGE_CONFIG_CACHE_SECONDS }) },
        { provide: AllowedOrigins, useValue: new AllowedOrigins(options.authServerUrl, settings.CORS_ALLOWED_ORIGINS, settings.EDGE_CONFIG_CACHE_SECONDS) },
        { provide: SESSION_SERVICE_URL, useValue: options.sessionServiceUrl },
        { provide: EVENT_TRANSPORT, useFactory: (logger: Logger) => createEventTransport(options.events, logger, options.bus), inject: [LOGGER] },
        RevocationListener,
      ],
      // EnforcementMiddleware is applied (and so instantiated) by the gateway module, from these.
      exports: [TokenEnforcer, RateLimiter, EdgeConfigClient, AllowedOrigins],
    };
  }
}
