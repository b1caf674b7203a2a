import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { requestContextOf } from '@sigma/shared/util-http';
import type { Request, Response } from 'express';
import { AuthorizationFlowService, PendingView } from '../authorization-flow.service';
import { DeviceFlowService } from '../device-flow.service';
import { LoginMethodRegistry } from '../pages/login-methods';
import { consentPage, deviceEntryPage, loginPage, mfaPage } from '../pages/pages';
import { BrowserCookies } from './browser-cookies';
import { brandingOf, FlowResponder } from './flow-responder';
import { pageErrorOf } from './page-errors';
import { sendPage, styleNonce } from './page-response';

const EXPIRED = 'This sign-in expired or was completed. Start again from the application.';

function field(body: unknown, name: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 1024 ? value : undefined;
}

function queryField(req: Request, name: string): string | undefined {
  const value = req.query[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 1024 ? value : undefined;
}

/**
 * The pages of the browser flows: login (password, second factor, and the buttons other sign-in
 * methods register), consent, and the device verification page. Plain HTML forms, no script;
 * every POST carries the CSRF token of the page (double-submit cookie).
 */
@ApiExcludeController()
@Controller()
export class PagesController {
  constructor(
    private readonly flow: AuthorizationFlowService,
    private readonly devices: DeviceFlowService,
    private readonly responder: FlowResponder,
    private readonly methods: LoginMethodRegistry,
    @Inject(BrowserCookies) private readonly cookies: BrowserCookies,
  ) {}

  @Get('oauth/login')
  async showLogin(@Req() req: Request, @Res() res: Response): Promise<void> {
    const handle = queryField(req, 'login_challenge') ?? '';
    const view = await this.flow.pendingOf(handle);
    if (!view) return this.responder.message(res, 400, 'Sign-in expired', EXPIRED);
    await this.renderLogin(req, res, 200, handle, view);
  }

  @Post('oauth/login')
  async submitLogin(@Req() req: Request, @Res() res: Response): Promise<void> {
    const handle = field(req.body, 'login_challenge') ?? '';
    const view = await this.flow.pendingOf(handle);
    if (!view) return this.responder.message(res, 400, 'Sign-in expired', EXPIRED);
    if (!this.cookies.csrfValid(req, field(req.body, 'csrf_token'))) return this.responder.message(res, 403, 'Request refused', 'The form expired. Go back and try again.', view.client);
    const username = field(req.body, 'username');
    const password = field(req.body, 'password');
    if (username === undefined || password === undefined) return this.renderLogin(req, res, 400, handle, view, { username, error: 'Enter your username and password.' });
    try {
      const result = await this.flow.signInWithPassword(handle, view, { username, password, clientIp: req.ip }, { requestId: requestContextOf(res)?.requestId });
      this.responder.setSession(res, result.session);
      if (result.next.step === 'login') return this.renderMfa(req, res, 200, handle, view);
      this.responder.send(req, res, result.next, view.client);
    } catch (error) {
      const page = pageErrorOf(error);
      if (!page) throw error;
      await this.renderLogin(req, res, page.status, handle, view, { username, error: page.message });
    }
  }

  @Post('oauth/login/mfa')
  async submitSecondFactor(@Req() req: Request, @Res() res: Response): Promise<void> {
    const handle = field(req.body, 'login_challenge') ?? '';
    const view = await this.flow.pendingOf(handle);
    if (!view || view.pending.mfaUserId === null) return this.responder.message(res, 400, 'Sign-in expired', EXPIRED);
    if (!this.cookies.csrfValid(req, field(req.body, 'csrf_token'))) return this.responder.message(res, 403, 'Request refused', 'The form expired. Go back and try again.', view.client);
    const totpCode = field(req.body, 'totp_code');
    const recoveryCode = field(req.body, 'recovery_code');
    if ((totpCode === undefined) === (recoveryCode === undefined) || (totpCode !== undefined && !/^\d{6}$/.test(totpCode))) {
      return this.renderMfa(req, res, 400, handle, view, 'Enter either the 6-digit code or a recovery code.');
    }
    try {
      const result = await this.flow.signInWithSecondFactor(handle, view, { totpCode, recoveryCode }, { requestId: requestContextOf(res)?.requestId });
      this.responder.setSession(res, result.session);
      this.responder.send(req, res, result.next, view.client);
    } catch (error) {
      const page = pageErrorOf(error);
      if (!page) throw error;
      await this.renderMfa(req, res, page.status, handle, view, page.status === 401 ? 'That code is wrong.' : page.message);
    }
  }

  @Get('oauth/consent')
  async showConsent(@Req() req: Request, @Res() res: Response): Promise<void> {
    const handle = queryField(req, 'login_challenge') ?? '';
    const view = await this.flow.pendingOf(handle);
    if (!view) return this.responder.message(res, 400, 'Request expired', EXPIRED);
    if (!(await this.flow.browserSessionOf(this.cookies.sessionToken(req), view.pending.tenantId))) return this.responder.send(req, res, { step: 'login', loginChallenge: handle });
    const nonce = styleNonce();
    const page = { branding: brandingOf(view.client), styleNonce: nonce, csrfToken: this.cookies.csrfToken(req, res) };
    const scopes = view.pending.request.scope.split(' ');
    const userCode = view.pending.kind === 'device' ? view.pending.request.userCode : undefined;
    sendPage(res, 200, consentPage(page, { loginChallenge: handle, scopes, userCode, remember: AuthorizationFlowService.remembersConsent(view.pending) }), nonce, this.formTargetsOf(view));
  }

  @Post('oauth/consent')
  async submitConsent(@Req() req: Request, @Res() res: Response): Promise<void> {
    const handle = field(req.body, 'login_challenge') ?? '';
    const view = await this.flow.pendingOf(handle);
    if (!view) return this.responder.message(res, 400, 'Request expired', EXPIRED);
    if (!this.cookies.csrfValid(req, field(req.body, 'csrf_token'))) return this.responder.message(res, 403, 'Request refused', 'The form expired. Go back and try again.', view.client);
    const decision = field(req.body, 'decision');
    if (decision !== 'approve' && decision !== 'deny') return this.responder.message(res, 400, 'Choose', 'Choose Allow or Deny.', view.client);
    const remember = field(req.body, 'remember') === 'yes';
    await this.responder.respond(req, res, () => this.flow.decide(handle, view, this.cookies.sessionToken(req), decision, remember), view.client);
  }

  @Get('device')
  async showDevice(@Req() req: Request, @Res() res: Response): Promise<void> {
    const nonce = styleNonce();
    const page = { branding: brandingOf(undefined), styleNonce: nonce, csrfToken: this.cookies.csrfToken(req, res) };
    sendPage(res, 200, deviceEntryPage(page, { userCode: queryField(req, 'user_code') }), nonce);
  }

  @Post('device')
  async submitDevice(@Req() req: Request, @Res() res: Response): Promise<void> {
    const userCode = field(req.body, 'user_code');
    const retry = (status: number, error: string): void => {
      const nonce = styleNonce();
      sendPage(res, status, deviceEntryPage({ branding: brandingOf(undefined), styleNonce: nonce, csrfToken: this.cookies.csrfToken(req, res) }, { userCode, error }), nonce);
    };
    if (!this.cookies.csrfValid(req, field(req.body, 'csrf_token'))) return retry(403, 'The form expired. Enter the code again.');
    if (userCode === undefined) return retry(400, 'Enter the code shown on your device.');
    const started = await this.devices.startApproval(userCode);
    if (!started) return retry(400, 'That code is wrong or expired. Check your device.');
    const view = await this.flow.pendingOf(started);
    if (!view) return retry(400, 'That code is wrong or expired. Check your device.');
    await this.responder.respond(req, res, () => this.flow.continueSignedIn(started, view, this.cookies.sessionToken(req)), view.client);
  }

  private async renderLogin(req: Request, res: Response, status: number, handle: string, view: PendingView, input: { username?: string; error?: string } = {}): Promise<void> {
    if (view.pending.mfaUserId !== null) return this.renderMfa(req, res, status, handle, view, input.error);
    const nonce = styleNonce();
    const csrfToken = this.cookies.csrfToken(req, res);
    const methods = await this.methods.render({ loginChallenge: handle, tenantId: view.pending.tenantId, clientId: view.client.clientId, csrfToken });
    sendPage(res, status, loginPage({ branding: brandingOf(view.client), styleNonce: nonce, csrfToken }, { loginChallenge: handle, ...input, methods }), nonce, this.formTargetsOf(view));
  }

  private renderMfa(req: Request, res: Response, status: number, handle: string, view: PendingView, error?: string): void {
    const nonce = styleNonce();
    const page = { branding: brandingOf(view.client), styleNonce: nonce, csrfToken: this.cookies.csrfToken(req, res) };
    sendPage(res, status, mfaPage(page, { loginChallenge: handle, error }), nonce, this.formTargetsOf(view));
  }

  /** The forms of a code flow end in a redirect to the client: its redirect URI must be a permitted form target. */
  private formTargetsOf(view: PendingView): string[] {
    return view.pending.kind === 'code' ? [view.pending.request.redirectUri] : [];
  }
}
