import { HealthRegistry } from './health-registry';
import { ServiceMetrics } from './service-metrics';

describe('HealthRegistry', () => {
  it('is ready only when every dependency answers in time', async () => {
    const health = new HealthRegistry(50);
    health.register({ name: 'database', check: async () => undefined });
    expect(await health.readiness()).toEqual({ status: 'up', checks: { database: 'up' } });

    health.register({ name: 'events', check: () => new Promise<void>(() => undefined) });
    health.register({ name: 'cache', check: async () => Promise.reject(new Error('refused')) });
    expect(await health.readiness()).toEqual({ status: 'down', checks: { database: 'up', events: 'down', cache: 'down' } });
  });
});

describe('ServiceMetrics', () => {
  it('labels every series with the service and keeps registries apart', async () => {
    const auth = new ServiceMetrics('auth-server');
    const directory = new ServiceMetrics('user-directory');
    auth.observeRequest({ method: 'GET', route: '/health/ready', status: 200, durationSeconds: 0.002 });
    const text = await auth.registry.metrics();
    expect(text).toContain('http_requests_total{method="GET",route="/health/ready",status="200",service="auth-server"} 1');
    expect(await directory.registry.metrics()).not.toContain('route="/health/ready"');
  });
});
