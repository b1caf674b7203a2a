import { BrowserCookies } from '../http/browser-cookies';
import { escapeHtml, html } from './html';
import { consentPage, loginPage } from './pages';

const page = { branding: { clientName: '<App & "Co">', logoUrl: 'javascript:alert(1)', primaryColor: 'red;}body{x' }, styleNonce: 'nonce', csrfToken: 'csrf' };

describe('pages', () => {
  it('escapes everything interpolated', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;');
    expect(html`<p>${'<script>'}</p>${html`<b>ok</b>`}`.value).toBe('<p>&lt;script&gt;</p><b>ok</b>');
  });

  it('renders the login form with labelled username and password, the CSRF token, and no script; hostile branding stays inert', () => {
    const out = loginPage(page, { loginChallenge: 'ch"allenge', username: '"><script>', methods: [html`<a href="/x">Passkey</a>`] });
    expect(out).toContain('<label for="username">');
    expect(out).toContain('name="password"');
    expect(out).toContain('name="csrf_token" value="csrf"');
    expect(out).toContain('value="ch&quot;allenge"');
    expect(out).toContain('&lt;App &amp; &quot;Co&quot;&gt;');
    expect(out).not.toContain('<script');
    expect(out).not.toContain('javascript:');
    expect(out).not.toContain('red;}');
    expect(out).toContain('<a href="/x">Passkey</a>');
    expect(out).toContain('<style nonce="nonce">');
  });

  it('renders approve and deny buttons named decision, and the device code to confirm', () => {
    const out = consentPage(page, { loginChallenge: 'c', scopes: ['openid', 'email'], userCode: 'WDJB-MJHT', remember: false });
    expect(out).toContain('name="decision" value="approve"');
    expect(out).toContain('name="decision" value="deny"');
    expect(out).toContain('WDJB-MJHT');
    expect(out).not.toContain('name="remember"');
  });
});

describe('browser cookies', () => {
  it('are Secure with the __Host- prefix outside localhost, plain on a localhost PUBLIC_URL', () => {
    expect(new BrowserCookies('https://iam.example.com')).toMatchObject({ secure: true, sessionName: '__Host-sigma_session', csrfName: '__Host-sigma_csrf' });
    expect(new BrowserCookies('http://localhost:8080')).toMatchObject({ secure: false, sessionName: 'sigma_session' });
    expect(new BrowserCookies('http://127.0.0.1:8080').secure).toBe(false);
  });
});
