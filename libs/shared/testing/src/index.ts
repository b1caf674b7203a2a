export { AppProcess, builtMain, SERVICE_APPS, startDistributedSuite, TestKafka } from './lib/suite-processes';
export type { AppName, DistributedSuite } from './lib/suite-processes';
export { eventually, freePort, readJson, REPO_ROOT, startTestPostgres } from './lib/test-postgres';
export { TestRedis } from './lib/test-redis';
export type { TestPostgres } from './lib/test-postgres';
export { CHROMIUM_ARGS, CHROMIUM_PATH, launchTestBrowser } from './lib/test-browser';
export type { TestBrowser } from './lib/test-browser';
