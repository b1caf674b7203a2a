import { FetchLike, MemoryTokenStorage, SigmaIAM, SigmaUser } from '@sigma/iam-js';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { FormEvent, ReactNode, StrictMode, useState } from 'react';
import { SigmaAuthProvider } from './sigma-auth-provider';
import { useSigmaAuth } from './use-sigma-auth';

const BASE = 'https://iam.example';
const PASSWORD = 'correct horse';

function userOf(permissions: string[]): SigmaUser {
  return {
    id: 'u-1',
    tenant_id: 't-1',
    email: 'ada@example.com',
    username: 'ada',
    first_name: 'Ada',
    last_name: 'Lovelace',
    full_name: 'Ada Lovelace',
    email_verified: true,
    is_active: true,
    roles: permissions.length > 0 ? ['admin'] : ['user'],
    permissions,
    created_at: '2026-11-30T00:00:00.000Z',
    updated_at: '2026-11-30T00:00:00.000Z',
    last_login: null,
  };
}

/** Just what HttpTransport reads of a fetch Response (jsdom has no Response class). */
function answer(status: number, body: unknown): Response {
  const text = JSON.stringify(body);
  const headers = { get: (name: string) => (name.toLowerCase() === 'content-type' ? 'application/json' : null) };
  return { ok: status >= 200 && status < 300, status, headers, text: async () => text } as unknown as Response;
}

/**
 * A scripted stand-in for the suite's direct login, refresh, logout and profile APIs. `revoke()`
 * ends the session the way the suite does: the access token and the refresh token are refused.
 */
class ScriptedSuite {
  readonly calls: string[] = [];
  readonly bodies: Array<Record<string, string>> = [];
  /** The PKCE verifier the token endpoint expects with code-1. */
  codeVerifier = '';
  user = userOf([]);
  mfa = false;
  down = false;
  private generation = 1;
  private revoked = false;
  private profileGate: Promise<void> | null = null;
  private openProfileGate: (() => void) | null = null;

  get accessToken(): string {
    return `access-${this.generation}`;
  }

  revoke(): void {
    this.revoked = true;
  }

  holdProfile(): void {
    this.profileGate = new Promise((resolve) => (this.openProfileGate = resolve));
  }

  releaseProfile(): void {
    this.profileGate = null;
    this.openProfileGate?.();
  }

  readonly fetch: FetchLike = async (url, init) => {
    const path = new URL(url).pathname;
    this.calls.push(`${init.method} ${path}`);
    if (this.down) throw new TypeError('fetch failed');
    const form = (init.headers as Record<string, string>)['content-type'] === 'application/x-www-form-urlencoded';
    const body: Record<string, string> = typeof init.body !== 'string' ? {} : form ? Object.fromEntries(new URLSearchParams(init.body)) : JSON.parse(init.body);
    this.bodies.push(body);
    const authorization = (init.headers as Record<string, string>)['authorization'];
    const tokens = () => ({ access_token: this.accessToken, refresh_token: `refresh-${this.generation}`, token_type: 'Bearer', expires_in: 900 });
    switch (path) {
      case '/api/v1/auth/login':
        if (body['password'] !== PASSWORD) return answer(401, { error: { code: 'INVALID_CREDENTIALS', message: 'wrong email or password' } });
        this.revoked = false;
        if (this.mfa) return answer(200, { mfa_required: true, mfa_session_id: 'mfa-1' });
        return answer(200, { ...tokens(), user: this.user });
      case '/api/v1/auth/mfa/verify':
        if (body['mfa_session_id'] !== 'mfa-1' || body['totp_code'] !== '123456') return answer(401, { error: { code: 'INVALID_MFA_CODE', message: 'wrong code' } });
        return answer(200, { ...tokens(), user: this.user });
      case '/oauth/v1/token':
        if (body['grant_type'] !== 'authorization_code' || body['code'] !== 'code-1' || body['code_verifier'] !== this.codeVerifier) return answer(400, { error: 'invalid_grant' });
        return answer(200, { ...tokens(), scope: 'openid profile email' });
      case '/api/v1/auth/refresh':
        if (this.revoked || body['refresh_token'] !== `refresh-${this.generation}`) return answer(401, { error: { code: 'INVALID_TOKEN', message: 'session ended' } });
        this.generation += 1;
        return answer(200, tokens());
      case '/api/v1/auth/logout':
        this.revoked = true;
        return answer(200, { success: true });
      case '/api/v1/me': {
        // Decided when the request arrives; a held answer is sent later (as a slow network would).
        const profile = this.revoked || authorization !== `Bearer ${this.accessToken}` ? answer(401, { error: { code: 'AUTHENTICATION_REQUIRED', message: 'refused' } }) : answer(200, this.user);
        if (this.profileGate) await this.profileGate;
        return profile;
      }
      default:
        return answer(404, { error: { code: 'RESOURCE_NOT_FOUND', message: path } });
    }
  };

  count(call: string): number {
    return this.calls.filter((made) => made === call).length;
  }
}

/** Seed 000's React snippet, with a LoginForm that hands its fields to `onLogin`. */
function LoginForm({ onLogin }: { onLogin: (email: string, password: string) => unknown }) {
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void onLogin('ada@example.com', password);
  };
  return (
    <form onSubmit={submit}>
      <input aria-label="Password" value={password} onChange={(event) => setPassword(event.target.value)} />
      <button type="submit">Sign in</button>
    </form>
  );
}

function ProtectedComponent() {
  const { hasPermission } = useSigmaAuth();
  if (!hasPermission('users:read')) return <div>Access denied</div>;
  return <div>User management</div>;
}

function App() {
  const { user, login, logout, isLoading, isAuthenticated, error } = useSigmaAuth();
  if (isLoading) return <div>Loading...</div>;
  const problem = error ? <p role="alert">{error.code}</p> : null;
  if (!isAuthenticated) {
    return (
      <>
        {problem}
        <LoginForm onLogin={login} />
      </>
    );
  }
  return (
    <div>
      {problem}
      <h1>Welcome, {user?.fullName}</h1>
      <button onClick={logout}>Logout</button>
      <ProtectedComponent />
    </div>
  );
}

describe('SigmaAuthProvider and useSigmaAuth', () => {
  let suite: ScriptedSuite;
  let storage: MemoryTokenStorage;
  let client: SigmaIAM;

  const show = (children: ReactNode = <App />) => render(<SigmaAuthProvider client={client}>{children}</SigmaAuthProvider>);
  const signIn = async (password = PASSWORD) => {
    fireEvent.change(await screen.findByLabelText('Password'), { target: { value: password } });
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
  };

  beforeEach(() => {
    suite = new ScriptedSuite();
    storage = new MemoryTokenStorage();
    client = new SigmaIAM({ baseURL: BASE, storage, fetch: suite.fetch, retries: 0 });
  });

  it('shows the login form when nothing is stored, without calling the suite', async () => {
    show();
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(suite.calls).toEqual([]);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("signs in through seed 000's snippet: onLogin={login}, the user's fullName, logout", async () => {
    show();
    await signIn();
    expect(await screen.findByRole('heading', { name: 'Welcome, Ada Lovelace' })).toBeTruthy();
    expect(storage.get()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1', source: 'login' });
    // The login answer's user is used as is: no profile call after signing in.
    expect(suite.count('GET /api/v1/me')).toBe(0);

    fireEvent.click(screen.getByRole('button', { name: 'Logout' }));
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(suite.count('POST /api/v1/auth/logout')).toBe(1);
    expect(storage.get()).toBeNull();
  });

  it('keeps a refused login in `error` without rejecting, and clears it on the next sign-in', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      show();
      await signIn('wrong');
      expect((await screen.findByRole('alert')).textContent).toBe('INVALID_CREDENTIALS');
      expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
      await signIn();
      await screen.findByRole('heading', { name: 'Welcome, Ada Lovelace' });
      expect(screen.queryByRole('alert')).toBeNull();
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('shows permission-gated content from the profile permissions, wildcards included', async () => {
    show();
    await signIn();
    expect(await screen.findByText('Access denied')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Logout' }));

    suite.user = userOf(['users:*', 'roles:*']);
    await signIn();
    expect(await screen.findByText('User management')).toBeTruthy();
  });

  it('restores a stored session on mount by fetching the profile', async () => {
    storage.set({ accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: Date.now() + 600_000, source: 'login' });
    show();
    expect(screen.getByText('Loading...')).toBeTruthy();
    expect(await screen.findByRole('heading', { name: 'Welcome, Ada Lovelace' })).toBeTruthy();
    expect(suite.calls).toEqual(['GET /api/v1/me']);
  });

  it('ends signed out with SESSION_ENDED when the stored session was revoked meanwhile', async () => {
    storage.set({ accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: Date.now() + 600_000, source: 'login' });
    suite.revoke();
    show();
    expect((await screen.findByRole('alert')).textContent).toBe('SESSION_ENDED');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(suite.calls).toEqual(['GET /api/v1/me', 'POST /api/v1/auth/refresh']);
    expect(storage.get()).toBeNull();
  });

  it('keeps the stored tokens and reports NETWORK_ERROR when the suite cannot be reached on mount', async () => {
    storage.set({ accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: Date.now() + 600_000, source: 'login' });
    suite.down = true;
    show();
    expect((await screen.findByRole('alert')).textContent).toBe('NETWORK_ERROR');
    expect(storage.get()).toMatchObject({ refreshToken: 'refresh-1' });
  });

  it('signs the user out when any call through the client finds the session revoked', async () => {
    function Roles() {
      const { client: iam } = useSigmaAuth();
      return <button onClick={() => iam.getProfile().catch(() => undefined)}>Reload</button>;
    }
    show(
      <>
        <App />
        <Roles />
      </>,
    );
    await signIn();
    await screen.findByRole('heading', { name: 'Welcome, Ada Lovelace' });
    suite.revoke();
    fireEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect((await screen.findByRole('alert')).textContent).toBe('SESSION_ENDED');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
    expect(storage.get()).toBeNull();
  });

  it('revalidates when the page gets focus, so a session revoked meanwhile signs the user out', async () => {
    show();
    await signIn();
    await screen.findByRole('heading', { name: 'Welcome, Ada Lovelace' });
    suite.revoke();
    act(() => {
      window.dispatchEvent(new Event('focus'));
    });
    expect((await screen.findByRole('alert')).textContent).toBe('SESSION_ENDED');
  });

  it('does not revalidate on focus when revalidateOnFocus is false', async () => {
    render(
      <SigmaAuthProvider client={client} revalidateOnFocus={false}>
        <App />
      </SigmaAuthProvider>,
    );
    await signIn();
    await screen.findByRole('heading', { name: 'Welcome, Ada Lovelace' });
    act(() => {
      window.dispatchEvent(new Event('focus'));
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await act(async () => {
      await client.getAccessToken();
    });
    expect(suite.count('GET /api/v1/me')).toBe(0);
  });

  it('picks up a sign-in done on the client directly (e.g. after a code exchange)', async () => {
    show();
    await screen.findByRole('button', { name: 'Sign in' });
    await act(async () => {
      await client.login('ada@example.com', PASSWORD);
    });
    expect(await screen.findByRole('heading', { name: 'Welcome, Ada Lovelace' })).toBeTruthy();
    expect(suite.count('GET /api/v1/me')).toBe(1);
  });

  it('finishes an MFA login: error MFA_REQUIRED carries the session id for completeMfaLogin', async () => {
    suite.mfa = true;
    function Mfa() {
      const { error, completeMfaLogin, isAuthenticated } = useSigmaAuth();
      const mfaSessionId = error?.mfaSessionId;
      if (isAuthenticated || mfaSessionId === undefined) return null;
      return <button onClick={() => completeMfaLogin(mfaSessionId, { totpCode: '123456' })}>Verify</button>;
    }
    show(
      <>
        <App />
        <Mfa />
      </>,
    );
    await signIn();
    expect((await screen.findByRole('alert')).textContent).toBe('MFA_REQUIRED');
    fireEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByRole('heading', { name: 'Welcome, Ada Lovelace' })).toBeTruthy();
  });

  it('refreshUser shows changed permissions and refreshes the tokens so they carry them; an answer that arrives after logout does not sign the user back in', async () => {
    let reload: () => Promise<unknown> = async () => undefined;
    function Capture() {
      reload = useSigmaAuth().refreshUser;
      return null;
    }
    show(
      <>
        <App />
        <Capture />
      </>,
    );
    await signIn();
    await screen.findByText('Access denied');
    await act(() => reload());
    expect(suite.count('POST /api/v1/auth/refresh')).toBe(0);
    suite.user = userOf(['*']);
    await act(() => reload());
    expect(screen.getByText('User management')).toBeTruthy();
    expect(suite.count('POST /api/v1/auth/refresh')).toBe(1);
    expect(storage.get()).toMatchObject({ accessToken: 'access-2' });

    suite.holdProfile();
    let late: Promise<unknown> = Promise.resolve();
    act(() => {
      late = reload();
    });
    // The profile request is at the suite (and will succeed) before the user logs out.
    await waitFor(() => expect(suite.count('GET /api/v1/me')).toBe(3));
    fireEvent.click(screen.getByRole('button', { name: 'Logout' }));
    await screen.findByRole('button', { name: 'Sign in' });
    suite.releaseProfile();
    await act(() => late);
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeTruthy();
  });

  it('getAccessToken gives the stored token, refreshed when it is about to expire', async () => {
    let token: () => Promise<string | null> = async () => null;
    function Capture() {
      token = useSigmaAuth().getAccessToken;
      return null;
    }
    show(<Capture />);
    await act(async () => {
      await client.login('ada@example.com', PASSWORD);
    });
    await expect(token()).resolves.toBe('access-1');
    storage.set({ ...(storage.get() ?? { accessToken: '', source: 'login' }), expiresAt: Date.now() - 1000 });
    await expect(token()).resolves.toBe('access-2');
  });

  it('creates its own client from `config`, and works under StrictMode', async () => {
    render(
      <StrictMode>
        <SigmaAuthProvider config={{ baseURL: BASE, fetch: suite.fetch }}>
          <App />
        </SigmaAuthProvider>
      </StrictMode>,
    );
    await signIn();
    expect(await screen.findByRole('heading', { name: 'Welcome, Ada Lovelace' })).toBeTruthy();
  });

  describe('the redirect back from the login page (authorization code + PKCE)', () => {
    const RETURN = 'sigma-iam-react:return-to';
    /** A sign-in this tab started (state and verifier in iam-js's store), and the path it started from. */
    const started = async () => {
      client = new SigmaIAM({ baseURL: BASE, clientId: 'spa', redirectUri: 'http://localhost/callback', storage, fetch: suite.fetch, retries: 0 });
      const request = await client.createAuthorizationRequest({ scope: 'openid profile email' });
      suite.codeVerifier = request.codeVerifier;
      window.sessionStorage.setItem(RETURN, JSON.stringify({ state: request.state, path: '/dashboard?tab=2' }));
      return request;
    };

    afterEach(() => {
      window.sessionStorage.clear();
      window.history.replaceState(null, '', '/');
    });

    it('redeems the code of its own request once, signs the user in and puts the URL back', async () => {
      const request = await started();
      window.history.replaceState(null, '', `/callback?code=code-1&state=${request.state}`);
      render(
        <StrictMode>
          <SigmaAuthProvider client={client}>
            <App />
          </SigmaAuthProvider>
        </StrictMode>,
      );
      expect(await screen.findByRole('heading', { name: 'Welcome, Ada Lovelace' })).toBeTruthy();
      expect(suite.calls).toEqual(['POST /oauth/v1/token', 'GET /api/v1/me']);
      expect(suite.bodies[0]).toMatchObject({ grant_type: 'authorization_code', code: 'code-1', code_verifier: request.codeVerifier, client_id: 'spa', redirect_uri: 'http://localhost/callback' });
      expect(`${window.location.pathname}${window.location.search}`).toBe('/dashboard?tab=2');
      expect(window.sessionStorage.getItem(RETURN)).toBeNull();
      expect(storage.get()).toMatchObject({ source: 'oauth' });
    });

    it('leaves a response to another request alone (unknown state)', async () => {
      await started();
      window.history.replaceState(null, '', '/callback?code=code-1&state=forged');
      show();
      expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
      expect(suite.calls).toEqual([]);
      expect(window.location.search).toBe('?code=code-1&state=forged');
    });

    it('reports an error answer (access_denied) and stays signed out', async () => {
      const request = await started();
      window.history.replaceState(null, '', `/callback?error=access_denied&error_description=denied&state=${request.state}`);
      show();
      expect((await screen.findByRole('alert')).textContent).toBe('access_denied');
      expect(suite.calls).toEqual([]);
      expect(`${window.location.pathname}${window.location.search}`).toBe('/dashboard?tab=2');
    });
  });

  it('refuses useSigmaAuth outside a provider with a clear message', () => {
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => render(<App />)).toThrow('useSigmaAuth must be used inside a <SigmaAuthProvider>');
    } finally {
      quiet.mockRestore();
    }
  });
});
