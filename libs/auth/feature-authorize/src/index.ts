/**
 * The browser side of the authorization server (issue 4): the authorization endpoint, PAR, the
 * login, consent and device pages, the authorization_code and device_code grants, RP-initiated
 * logout, and seed 004's login_challenge.
 *
 * Wiring: `AuthorizeModule.with({ publicUrl })` in auth-server's root module (global) and
 * `AUTHORIZE_MIGRATIONS` (from @sigma/auth/data-access-authorize) appended to the migrations.
 *
 * Login page extension (passkeys, social): inject `LoginMethodRegistry` and `register({id, render})`
 * in onModuleInit; `render` gets the pending authorization's `loginChallenge`, tenant, client and the
 * page's CSRF token and returns plain HTML built with `html` (no script: the page's CSP has none).
 * To finish a sign-in by another method: `AuthorizationFlowService.signInWithMethod(challenge, claims,
 * amr)` then `FlowResponder.finishSignIn(req, res, result)` (cookie, then consent or the client).
 */
export { AuthorizeModule } from './lib/authorize.module';
export { AuthorizationFlowService } from './lib/authorization-flow.service';
export type { FlowStep, PendingView, SignInResult } from './lib/authorization-flow.service';
export { FlowResponder } from './lib/http/flow-responder';
export { BrowserCookies } from './lib/http/browser-cookies';
export { html, SafeHtml } from './lib/pages/html';
export { LoginMethodRegistry } from './lib/pages/login-methods';
export type { LoginMethod, LoginMethodContext } from './lib/pages/login-methods';
export { AUTHORIZE_MIGRATIONS } from '@sigma/auth/data-access-authorize';
