import { DynamicModule, Module } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { EnforcementMiddleware, EnforcementModule, EnforcementSettings } from '@sigma/gateway/feature-enforcement';
import { InMemoryEventBus } from '@sigma/shared/data-access-events';
import { HostContext, ServiceDefinition } from '@sigma/shared/feature-service-host';
import { EventSettings } from '@sigma/shared/util-config';
import { GatewayController } from './gateway.controller';
import { GatewaySettings, trustProxyOf } from './gateway.settings';
import { GATEWAY_SETTINGS } from './gateway.tokens';
import { OpenApiAggregator } from './openapi-aggregator';
import { ProxyMiddleware } from './proxy.middleware';
import { ServiceDirectory } from './service-directory';

@Module({})
class AdminGatewayModule {
  static with(settings: GatewaySettings, enforcement: EnforcementSettings, events: EventSettings, bus?: InMemoryEventBus): DynamicModule {
    return {
      module: AdminGatewayModule,
      imports: [
        EnforcementModule.with({
          settings: enforcement,
          events,
          bus,
          authServerUrl: settings.AUTH_SERVER_URL,
          directoryUrl: settings.USER_DIRECTORY_URL,
          sessionServiceUrl: settings.SESSION_SERVICE_URL,
        }),
      ],
      controllers: [GatewayController],
      providers: [{ provide: GATEWAY_SETTINGS, useValue: settings }, ServiceDirectory, OpenApiAggregator, EnforcementMiddleware, ProxyMiddleware],
    };
  }
}

const settings = { gateway: GatewaySettings, enforcement: EnforcementSettings, events: EventSettings };

/**
 * The public edge: checks tokens, revocations, rate limits and CORS (feature-enforcement), routes
 * every family to its service, and serves health, metrics and the API description.
 */
export const adminGateway: ServiceDefinition<typeof settings> = {
  name: 'admin-gateway',
  defaultPort: 8080,
  settings,
  edge: true,
  openApi: {
    title: 'Sigma IAM API',
    description: 'The public REST API of Sigma IAM: every route family of the seed documents, served through the gateway.',
  },
  rootModule: (config, host: HostContext) => AdminGatewayModule.with(config.gateway, config.enforcement, config.events, host.bus),
  configure: (app, openApi) => {
    // Only the proxies TRUST_PROXY names may tell the client address; the services trust the gateway's (ADR 0020).
    app.set('trust proxy', trustProxyOf(app.get<GatewaySettings>(GATEWAY_SETTINGS).TRUST_PROXY));
    app.get(OpenApiAggregator).useBase(openApi as unknown as Record<string, unknown>);
    SwaggerModule.setup('docs', app, openApi, { raw: false, customSiteTitle: 'Sigma IAM API', swaggerOptions: { url: '/api/v1/openapi.json' } });
    // One Express handler ahead of Nest's router (ADR 0013): screen, enforce, then proxy or hand on
    // to the gateway's own routes (health, metrics, the API description).
    const gateway = app.get(ProxyMiddleware);
    app.use((req: Request, res: Response, next: NextFunction) => gateway.use(req, res, next));
  },
};
