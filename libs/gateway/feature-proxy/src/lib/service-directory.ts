import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_SETTINGS } from './gateway.tokens';
import { GatewaySettings } from './gateway.settings';
import { UpstreamService, upstreamUrls } from './upstream-routes';

export interface ServiceProbe {
  service: UpstreamService;
  ready: boolean;
}

/** Asks the services behind the gateway for their readiness and their OpenAPI documents. */
@Injectable()
export class ServiceDirectory {
  readonly urls: Record<UpstreamService, string>;

  constructor(@Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings) {
    this.urls = upstreamUrls(settings);
  }

  get services(): UpstreamService[] {
    return Object.keys(this.urls) as UpstreamService[];
  }

  async probeAll(): Promise<ServiceProbe[]> {
    return Promise.all(
      this.services.map(async (service) => {
        try {
          const answer = await fetch(`${this.urls[service]}/health/ready`, { signal: AbortSignal.timeout(this.settings.HEALTH_TIMEOUT_MS) });
          await answer.body?.cancel();
          return { service, ready: answer.ok };
        } catch {
          return { service, ready: false };
        }
      }),
    );
  }

  async openApiOf(service: UpstreamService): Promise<Record<string, unknown> | undefined> {
    try {
      const answer = await fetch(`${this.urls[service]}/internal/openapi.json`, { signal: AbortSignal.timeout(this.settings.HEALTH_TIMEOUT_MS) });
      return answer.ok ? ((await answer.json()) as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
}
