import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mergeOpenApi } from './openapi-merge';
import { SIGMA_IAM_VERSION } from './version';

describe('mergeOpenApi', () => {
  it('unions public paths and schemas, drops internal paths, and names missing services', () => {
    const base = { openapi: '3.0.0', info: { title: 'Sigma IAM API', description: 'All' }, paths: { '/health': { get: {} } }, tags: [{ name: 'health' }] };
    const directory = { paths: { '/api/v1/users': { get: {} }, '/internal/x': { get: {} } }, components: { schemas: { User: { type: 'object' } } }, tags: [{ name: 'users' }] };
    const auth = { paths: { '/api/v1/users': { post: {} }, '/oauth/token': { post: {} } }, components: { schemas: { User: { type: 'string' } } } };
    const merged = mergeOpenApi(base, [directory, auth], ['privacy-worker']);
    expect(Object.keys(merged['paths'] as object).sort()).toEqual(['/api/v1/users', '/health', '/oauth/token']);
    expect((merged['paths'] as Record<string, object>)['/api/v1/users']).toEqual({ get: {}, post: {} });
    expect((merged['components'] as { schemas: Record<string, unknown> }).schemas['User']).toEqual({ type: 'object' });
    expect((merged['info'] as { description: string }).description).toContain('privacy-worker');
    expect(merged['tags']).toEqual([{ name: 'health' }, { name: 'users' }]);
  });

  it('reports the version of the root package.json', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../../../package.json'), 'utf8')) as { version: string };
    expect(SIGMA_IAM_VERSION).toBe(pkg.version);
  });
});
