export { authRequirementOf, AUTH_POLICIES, rateLimitPolicyOf } from './lib/route-policies';
export type { AuthRequirement, RateLimitPolicy } from './lib/route-policies';
export { bufferedBodyOf } from './lib/login-identifier';
export { EnforcementMiddleware } from './lib/enforcement.middleware';
export { EnforcementModule } from './lib/enforcement.module';
export type { EnforcementModuleOptions } from './lib/enforcement.module';
export { EnforcementSettings } from './lib/enforcement.settings';
export { VerifiedTokenCache } from './lib/verified-token-cache';
