export type { SigmaAuthUser } from './lib/auth-user';
export { permits } from './lib/permissions';
export type { RedirectLoginOptions } from './lib/redirect-login';
export { SigmaAuthContext } from './lib/sigma-auth-context';
export type { MfaFactor, SigmaAuthState } from './lib/sigma-auth-context';
export { SigmaAuthProvider } from './lib/sigma-auth-provider';
export type { SigmaAuthProviderProps } from './lib/sigma-auth-provider';
export { useSigmaAuth } from './lib/use-sigma-auth';
