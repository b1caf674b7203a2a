import { defaultAuthorizationStore, MemoryAuthorizationStore, PendingAuthorizations } from './authorization-transactions';
import { codeChallengeOf, generateCodeChallenge, generateCodeVerifier } from './pkce';

describe('pending authorizations (PKCE storage)', () => {
  const pending = { state: 's-1', codeVerifier: generateCodeVerifier(), redirectUri: 'https://app.example/cb', provider: 'google' };

  it('gives each saved authorization back once, by its state', () => {
    const store = new MemoryAuthorizationStore();
    const authorizations = new PendingAuthorizations(store);
    authorizations.save(pending);
    expect(authorizations.peek('s-1')).toMatchObject(pending);
    expect(authorizations.take('s-1')).toMatchObject(pending);
    expect(authorizations.take('s-1')).toBeNull();
    expect(authorizations.take('another')).toBeNull();
  });

  it('refuses authorizations older than ten minutes, and garbage in the store', () => {
    let now = 1_000_000;
    const store = new MemoryAuthorizationStore();
    const authorizations = new PendingAuthorizations(store, 600_000, () => now);
    authorizations.save(pending);
    now += 600_001;
    expect(authorizations.take('s-1')).toBeNull();
    store.setItem('sigma-iam:authorization:s-2', '{not json');
    expect(authorizations.take('s-2')).toBeNull();
    store.setItem('sigma-iam:authorization:s-3', JSON.stringify({ ...pending, state: 'other', createdAt: now }));
    expect(authorizations.take('s-3')).toBeNull();
  });

  it('keeps at most its capacity in memory, dropping the oldest', () => {
    const store = new MemoryAuthorizationStore(2);
    store.setItem('a', '1');
    store.setItem('b', '2');
    store.setItem('c', '3');
    expect([store.getItem('a'), store.getItem('b'), store.getItem('c')]).toEqual([null, '2', '3']);
  });

  it("uses the browser's sessionStorage when there is one, else memory", () => {
    expect(defaultAuthorizationStore()).toBeInstanceOf(MemoryAuthorizationStore);
    const sessionStorage = new MemoryAuthorizationStore();
    Object.assign(globalThis, { sessionStorage });
    try {
      expect(defaultAuthorizationStore()).toBe(sessionStorage);
    } finally {
      delete (globalThis as { sessionStorage?: unknown }).sessionStorage;
    }
  });

  it('computes the S256 challenge synchronously, equal to the Web Crypto one', async () => {
    expect(codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const verifier = generateCodeVerifier();
    expect(codeChallengeOf(verifier)).toBe(await generateCodeChallenge(verifier));
    expect(() => codeChallengeOf('short')).toThrow(TypeError);
  });
});
