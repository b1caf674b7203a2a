import { ConfigValidationError, describeConfig, loadConfig } from './load-config';
import { DatabaseSettings, EventSettings, HttpSettings } from './settings';

const shape = { http: HttpSettings, database: DatabaseSettings, events: EventSettings };
const validEnv = {
  PORT: '3001',
  DATABASE_URL: 'postgres://iam:s3cret-pw@127.0.0.1:5432/iam',
  KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.2:9092',
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(shape, env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadConfig', () => {
  it('converts types, applies defaults and splits lists', () => {
    const config = loadConfig(shape, validEnv);
    expect(config.http.PORT).toBe(3001);
    expect(config.http.HOST).toBeUndefined();
    expect(config.database.DATABASE_POOL_SIZE).toBe(10);
    expect(config.events.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.2:9092']);
    expect(config.events.EVENT_TRANSPORT).toBe('kafka');
  });

  it('names every missing or malformed setting in one error', () => {
    const problems = problemsOf({ PORT: '70000', KAFKA_BROKERS: 'no-port' });
    expect(problems.some((p) => p.startsWith('PORT ') && p.includes('got "70000"'))).toBe(true);
    expect(problems.some((p) => p.startsWith('DATABASE_URL ') && p.includes('not set'))).toBe(true);
    expect(problems.some((p) => p.startsWith('KAFKA_BROKERS '))).toBe(true);
  });

  it('treats empty strings as unset', () => {
    expect(problemsOf({ ...validEnv, DATABASE_URL: '  ' }).some((p) => p.startsWith('DATABASE_URL '))).toBe(true);
  });

  it('does not require brokers for the in-memory transport', () => {
    const config = loadConfig(shape, { ...validEnv, KAFKA_BROKERS: undefined, EVENT_TRANSPORT: 'memory' });
    expect(config.events.EVENT_TRANSPORT).toBe('memory');
  });

  it('never shows a secret value, neither when describing nor when refusing it', () => {
    const described = describeConfig(loadConfig(shape, validEnv));
    expect(described['DATABASE_URL']).toBe('****');
    expect(JSON.stringify(described)).not.toContain('s3cret-pw');
    const problems = problemsOf({ ...validEnv, DATABASE_URL: 'mysql://u:s3cret-pw@h/db' });
    expect(problems.join()).toContain('DATABASE_URL');
    expect(problems.join()).not.toContain('s3cret-pw');
  });
});
