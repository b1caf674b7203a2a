// middleware.ts: seed 000's Next.js middleware, verifying the token instead of only checking that a
// cookie exists. Pages under /admin read the access token from the HttpOnly cookie seed 000's login
// route sets; APIs under /api/orders take `Authorization: Bearer` or DPoP-bound tokens with their
// proof. It runs in the Node.js runtime (Next.js 15.5+): @sigma/iam-node uses Node APIs.
import { NextResponse } from 'next/server';
import type { NextRequest } from 'next/server';
import { AuthenticationError, SigmaIAM } from '@sigma/iam-node';

// One instance per server process: it caches the tenant's key set and remembers DPoP proofs.
const iam = new SigmaIAM({
  baseURL: process.env.SIGMA_IAM_BASE_URL ?? 'http://localhost:8080',
  clientId: process.env.SIGMA_IAM_CLIENT_ID,
  clientSecret: process.env.SIGMA_IAM_CLIENT_SECRET,
  // Only the token's claims here (no profile call per request); route handlers can call verifyToken for the profile.
  profile: 'claims',
  // The URL clients address (DPoP proofs name it); behind a proxy, request.url may differ.
  publicUrl: process.env.APP_URL,
});

export async function middleware(request: NextRequest): Promise<NextResponse> {
  const { pathname } = request.nextUrl;

  if (pathname.startsWith('/admin')) {
    const accessToken = request.cookies.get('access_token')?.value;
    if (!accessToken) return NextResponse.redirect(new URL('/login', request.url));
    try {
      const user = await iam.verifyToken(accessToken);
      iam.assertPermissions(user, ['users:read']);
      return NextResponse.next();
    } catch (error) {
      if (error instanceof AuthenticationError && error.status === 403) return NextResponse.redirect(new URL('/forbidden', request.url));
      // Expired or refused: sign in again.
      return NextResponse.redirect(new URL('/login', request.url));
    }
  }

  if (pathname.startsWith('/api/orders')) {
    try {
      const { user } = await iam.authenticate({ method: request.method, url: request.url, headers: request.headers });
      iam.assertPermissions(user, ['orders:read']);
      // Tell the route handler who called (set here, so a client cannot send its own).
      const headers = new Headers(request.headers);
      headers.set('x-sigma-user-id', user.id);
      headers.set('x-sigma-tenant-id', user.tenant_id);
      return NextResponse.next({ request: { headers } });
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      return NextResponse.json(
        { error: { code: error.code, message: error.message } },
        { status: error.status, headers: error.wwwAuthenticate === undefined ? {} : { 'WWW-Authenticate': error.wwwAuthenticate } },
      );
    }
  }

  return NextResponse.next();
}

export const config = {
  matcher: ['/admin/:path*', '/api/orders/:path*'],
  runtime: 'nodejs',
};
