import type { IAMError, SigmaUser } from '@sigma/iam-js';
import { useSigmaAuth } from '@sigma/iam-react';
import { FormEvent, useCallback, useEffect, useState } from 'react';

/** Seed 000's React integration: the login form until signed in, then the user and protected content. */
export function App() {
  const { user, login, logout, isLoading, isAuthenticated } = useSigmaAuth();

  if (isLoading) {
    return <div>Loading...</div>;
  }

  if (!isAuthenticated) {
    return <LoginForm onLogin={login} />;
  }

  return (
    <div>
      <h1>Welcome, {user?.fullName ?? user?.email}</h1>
      <button onClick={logout}>Logout</button>

      {/* Protected content */}
      <ProtectedComponent />
    </div>
  );
}

function messageOf(error: IAMError): string {
  switch (error.code) {
    case 'INVALID_CREDENTIALS':
      return 'Wrong email or password.';
    case 'SESSION_ENDED':
      return 'Your session has ended. Please sign in again.';
    case 'RATE_LIMIT_EXCEEDED':
      return `Too many attempts. Try again in ${error.retryAfter ?? 60} seconds.`;
    case 'MFA_REQUIRED':
      return 'This account uses a second factor; this example signs in with a password only.';
    default:
      return error.message;
  }
}

function LoginForm({ onLogin }: { onLogin: (email: string, password: string) => Promise<unknown> }) {
  const { error, loginWithRedirect } = useSigmaAuth();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    await onLogin(email, password);
    setBusy(false);
  };

  return (
    <form onSubmit={submit}>
      <h1>Sign in</h1>
      {error && <p role="alert">{messageOf(error)}</p>}
      <label>
        Email <input type="email" autoComplete="username" value={email} onChange={(event) => setEmail(event.target.value)} required />
      </label>
      <label>
        Password <input type="password" autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} required />
      </label>
      <button type="submit" disabled={busy}>
        Sign in
      </button>
      {/* The suite's own login page (authorization code + PKCE): passkeys, social and enterprise sign-in too. */}
      <button type="button" onClick={() => loginWithRedirect()}>
        Use the Sigma IAM login page
      </button>
      {/* Straight to a social provider the tenant enabled (PUT /api/admin/identity/sso-providers). */}
      <button type="button" onClick={() => loginWithRedirect({ provider: 'google' })}>
        Continue with Google
      </button>
    </form>
  );
}

function ProtectedComponent() {
  const { hasPermission } = useSigmaAuth();

  // Check specific permissions
  if (!hasPermission('users:read')) {
    return <div>Access denied</div>;
  }

  return <UserManagement />;
}

/** Lists the tenant's users (GET /api/v1/users, users:read) with the provider's client: its tokens, refresh and errors. */
function UserManagement() {
  const { client } = useSigmaAuth();
  const [users, setUsers] = useState<SigmaUser[]>([]);
  const [problem, setProblem] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const page = await client.request<{ data: SigmaUser[] }>({ method: 'GET', path: '/api/v1/users', query: { limit: '20', sort: 'email:asc' } });
      setUsers(page.data);
      setProblem(null);
    } catch (error) {
      // A refused session signs the whole app out (the provider hears it from the client); other failures show here.
      setProblem((error as Error).message);
    }
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section>
      <h2>Users</h2>
      <button onClick={load}>Reload users</button>
      {problem && <p role="alert">{problem}</p>}
      <ul aria-label="Users">
        {users.map((listed) => (
          <li key={listed.id}>{listed.email}</li>
        ))}
      </ul>
    </section>
  );
}
