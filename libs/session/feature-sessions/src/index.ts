export { SessionsModule } from './lib/session.module';
export { SESSION_CLOCK, SESSION_OPTIONS } from './lib/session.options';
export type { Clock, SessionOptions } from './lib/session.options';
export { SessionSettings } from './lib/session.settings';
