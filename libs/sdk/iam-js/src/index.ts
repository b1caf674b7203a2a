export { IAMError, iamErrorOf } from './lib/iam-error';
export type { IAMErrorDetail } from './lib/iam-error';
export type { FetchLike, HttpRequest } from './lib/http-transport';
export { generateCodeChallenge, generateCodeVerifier, generateState } from './lib/pkce';
export { SigmaIAM } from './lib/sigma-iam';
export type { SigmaIAMOptions } from './lib/sigma-iam';
export { MemoryTokenStorage } from './lib/token-storage';
export type { StoredTokens, TokenSource, TokenStorage } from './lib/token-storage';
export type * from './lib/types';
