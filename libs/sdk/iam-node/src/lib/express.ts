import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AuthenticationError } from './authentication-error';
import type { AuthenticateOptions, LoginHandlerOptions, SigmaIAM } from './sigma-iam';
import type { SigmaAuth, SigmaNodeUser } from './types';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    /** The user of a verified access token (passport's `Express.User` merges with it). */
    // eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-empty-object-type
    interface User extends SigmaNodeUser {}
    interface Request {
      /** Set by requireAuth and requirePermission. */
      user?: User;
      /** How the request authenticated; set by requireAuth and requirePermission. */
      auth?: SigmaAuth;
    }
  }
}

export interface RequireAuthOptions extends AuthenticateOptions {
  /** The app's public URL for DPoP `htu`; default the instance's publicUrl, else the request's protocol and Host. */
  publicUrl?: string;
}

/** The URL the client addressed: the configured public URL (behind a proxy), else what Express knows of the request. */
function addressedUrl(req: Request, publicUrl: string | undefined): string {
  if (publicUrl !== undefined) return new URL(req.originalUrl, publicUrl).href;
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`;
}

/** The answer to a refused request: status, challenge, no caching, and the suite's error body (seed 000). */
function refuse(res: Response, error: AuthenticationError): void {
  if (error.wwwAuthenticate !== undefined) res.setHeader('WWW-Authenticate', error.wwwAuthenticate);
  res.setHeader('Cache-Control', 'no-store');
  res.status(error.status).json({ error: { code: error.code, message: error.message, timestamp: new Date().toISOString() } });
}

function authenticator(iam: SigmaIAM, options: RequireAuthOptions, permissions: readonly string[]): RequestHandler {
  const publicUrl = options.publicUrl ?? iam.publicUrl;
  return (req: Request, res: Response, next: NextFunction) => {
    const run = async (): Promise<void> => {
      if (req.auth === undefined || req.user === undefined) {
        const { user, auth } = await iam.authenticate({ method: req.method, url: addressedUrl(req, publicUrl), headers: req.headers }, options);
        req.user = user;
        req.auth = auth;
      }
      iam.assertPermissions(req.user, permissions);
    };
    run().then(
      () => next(),
      (error: unknown) => (error instanceof AuthenticationError ? refuse(res, error) : next(error)),
    );
  };
}

/** Express middleware: the request needs a valid access token (Bearer, or DPoP with its proof); sets req.user and req.auth. */
export function requireAuth(iam: SigmaIAM, options: RequireAuthOptions = {}): RequestHandler {
  return authenticator(iam, options, []);
}

/** Express middleware: as requireAuth (unless it already ran), and the token must carry every permission (403 otherwise). */
export function requirePermission(iam: SigmaIAM, ...permissions: string[]): RequestHandler {
  return authenticator(iam, {}, permissions);
}

/**
 * Express middleware that makes the request known to the SDK for the rest of its handling, so
 * seed 000's callback route can call `iam.exchangeCodeForTokens(code)` with the code alone.
 */
export function sigmaContext(iam: SigmaIAM): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => iam.runWithRequest(req, () => next());
}

/** Express route: starts a login (state and PKCE verifier into req.session) and redirects to the suite. */
export function loginHandler(iam: SigmaIAM, options: LoginHandlerOptions = {}): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    iam.startLogin(req, options).then((url) => res.redirect(303, url), next);
  };
}
