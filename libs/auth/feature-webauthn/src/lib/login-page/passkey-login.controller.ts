import { Controller, Get, Header, Inject, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AuthorizationFlowService, BrowserCookies, FlowResponder, PendingView } from '@sigma/auth/feature-authorize';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { requestContextOf, validationProblems } from '@sigma/shared/util-http';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import type { Request, Response } from 'express';
import { PasskeySignInService } from '../ceremonies/passkey-sign-in.service';
import { AssertionResponseRequest } from '../ceremonies/webauthn.request.dto';
import { PAGE_SECURITY_HEADERS } from '../pages/passkeys.page';
import { formTargetOf, passkeyLoginPage, passkeyLoginSecurityHeaders } from './passkey-login.page';
import { PASSKEY_LOGIN_SCRIPT } from './passkey-login.script';

const EXPIRED = 'This sign-in expired or was completed. Start again from the application.';
const FORM_EXPIRED = 'The form expired. Go back and try again.';

function textField(source: unknown, name: string, maxLength: number): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const value = (source as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength ? value : undefined;
}

/** The browser's credential JSON from the form, checked like the JSON of POST /webauthn/assertion/result. */
async function assertionOf(text: string | undefined): Promise<AssertionResponseRequest> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? '');
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: [{ field: 'credential', message: 'credential must be the JSON of a passkey assertion' }] });
  }
  const assertion = plainToInstance(AssertionResponseRequest, parsed);
  const errors = await validate(assertion, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  if (errors.length > 0) throw new DomainError(ErrorKind.VALIDATION, 'The request contains invalid data', { details: validationProblems(errors) });
  return assertion;
}

/** What the page tells a person about a refusal (never the raw error). */
function pageMessageOf(error: DomainError): { status: number; message: string } | undefined {
  switch (error.kind) {
    case ErrorKind.VALIDATION:
    case ErrorKind.INVALID_CREDENTIALS:
      return { status: error.kind === ErrorKind.VALIDATION ? 400 : 401, message: 'The passkey was not accepted. Try again, or sign in with your password.' };
    case ErrorKind.INSUFFICIENT_PERMISSIONS:
      return { status: 403, message: 'This account cannot sign in here.' };
    case ErrorKind.UNAVAILABLE:
    case ErrorKind.TIMEOUT:
    case ErrorKind.BAD_GATEWAY:
      return { status: 503, message: 'Signing in is unavailable right now. Try again in a moment.' };
    default:
      return undefined;
  }
}

/**
 * The passkey step of the authorization endpoint's login page (its "Sign in with a passkey"
 * button leads here): a page of its own, because the ceremony needs a script and the login page
 * runs none. A verified assertion signs the browser in for the same pending authorization, which
 * then continues (consent or the client), exactly as after a password; the form carries the login
 * page's CSRF token (double-submit cookie).
 */
@ApiExcludeController()
@Controller('webauthn')
export class PasskeyLoginController {
  constructor(
    private readonly flow: AuthorizationFlowService,
    private readonly responder: FlowResponder,
    @Inject(BrowserCookies) private readonly cookies: BrowserCookies,
    private readonly signIn: PasskeySignInService,
  ) {}

  @Get('login')
  async show(@Req() req: Request, @Res() res: Response): Promise<void> {
    const handle = textField(req.query, 'login_challenge', 1024) ?? '';
    const view = await this.flow.pendingOf(handle);
    if (!view) return this.responder.message(res, 400, 'Sign-in expired', EXPIRED);
    this.render(req, res, 200, handle, view);
  }

  @Post('login')
  async submit(@Req() req: Request, @Res() res: Response): Promise<void> {
    const handle = textField(req.body, 'login_challenge', 1024) ?? '';
    const view = await this.flow.pendingOf(handle);
    if (!view) return this.responder.message(res, 400, 'Sign-in expired', EXPIRED);
    if (!this.cookies.csrfValid(req, textField(req.body, 'csrf_token', 1024))) return this.responder.message(res, 403, 'Request refused', FORM_EXPIRED);
    try {
      const assertion = await assertionOf(textField(req.body, 'credential', 32768));
      const { claims, amr } = await this.signIn.verify(textField(req.body, 'challenge', 256), assertion, { requestId: requestContextOf(res)?.requestId });
      const result = await this.flow.signInWithMethod(handle, claims, amr);
      this.responder.finishSignIn(req, res, result, view.client);
    } catch (error) {
      const page = error instanceof DomainError ? pageMessageOf(error) : undefined;
      if (!page) throw error;
      this.render(req, res, page.status, handle, view, page.message);
    }
  }

  @Get('login.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  script(@Res({ passthrough: true }) res: Response): string {
    res.set(PAGE_SECURITY_HEADERS);
    return PASSKEY_LOGIN_SCRIPT;
  }

  private render(req: Request, res: Response, status: number, handle: string, view: PendingView, error?: string): void {
    const targets = view.pending.kind === 'code' ? [formTargetOf(view.pending.request.redirectUri)].filter((t): t is string => t !== undefined) : [];
    res.status(status).set(passkeyLoginSecurityHeaders(targets)).type('html');
    res.send(passkeyLoginPage({ clientName: view.client.name, loginChallenge: handle, tenantId: view.pending.tenantId, csrfToken: this.cookies.csrfToken(req, res), error }));
  }
}
