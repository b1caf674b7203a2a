export { AUTH_TOKENS_OPTIONS, CLOCK } from './lib/auth-tokens.options';
export type { AuthTokensOptions, Clock } from './lib/auth-tokens.options';
export { AuthTokensModule } from './lib/auth-tokens.module';
export { TokenSettings } from './lib/token.settings';
