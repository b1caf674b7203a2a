export { eventually, freePort, REPO_ROOT, startTestPostgres } from './lib/test-postgres';
export type { TestPostgres } from './lib/test-postgres';
