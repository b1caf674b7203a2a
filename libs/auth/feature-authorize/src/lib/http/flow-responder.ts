import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { FlowStep, SignInResult } from '../authorization-flow.service';
import { DEFAULT_BRANDING, PageBranding } from '../pages/html';
import { messagePage } from '../pages/pages';
import type { ClientRecord } from '@sigma/auth/feature-clients';
import { BrowserCookies } from './browser-cookies';
import { pageErrorOf } from './page-errors';
import { sendPage, sendRedirect, styleNonce } from './page-response';

export function brandingOf(client: ClientRecord | undefined): PageBranding {
  if (!client) return DEFAULT_BRANDING;
  return { clientName: client.name, logoUrl: client.branding.logoUrl, primaryColor: client.branding.primaryColor };
}

/** Turns a flow step into the browser's next response: a redirect, a page, or the error page. */
@Injectable()
export class FlowResponder {
  constructor(@Inject(BrowserCookies) private readonly cookies: BrowserCookies) {}

  /** Runs the step; refusals the user can understand (wrong password, directory down) become a page. */
  async respond(req: Request, res: Response, step: () => Promise<FlowStep>, client?: ClientRecord): Promise<void> {
    let next: FlowStep;
    try {
      next = await step();
    } catch (error) {
      const page = pageErrorOf(error);
      if (!page) throw error;
      return this.message(res, page.status, 'Something went wrong', page.message, client);
    }
    this.send(req, res, next, client);
  }

  send(req: Request, res: Response, next: FlowStep, client?: ClientRecord): void {
    const status = req.method === 'GET' ? 302 : 303;
    switch (next.step) {
      case 'redirect':
        return sendRedirect(res, next.location, status);
      case 'login':
        return sendRedirect(res, `/oauth/login?login_challenge=${encodeURIComponent(next.loginChallenge)}`, status);
      case 'consent':
        return sendRedirect(res, `/oauth/consent?login_challenge=${encodeURIComponent(next.loginChallenge)}`, status);
      case 'done':
        return this.message(res, 200, next.title, next.message, client);
      case 'error-page':
        return this.errorPage(res, 400, next.error, next.description, client);
    }
  }

  errorPage(res: Response, status: number, error: string, description: string, client?: ClientRecord): void {
    const nonce = styleNonce();
    sendPage(res, status, messagePage({ branding: brandingOf(client), styleNonce: nonce }, { title: 'This request cannot continue', message: description, detail: error }), nonce);
  }

  message(res: Response, status: number, title: string, message: string, client?: ClientRecord): void {
    const nonce = styleNonce();
    sendPage(res, status, messagePage({ branding: brandingOf(client), styleNonce: nonce }, { title, message }), nonce);
  }

  /** Answers a finished sign-in (another method's, too): sets the session cookie, then sends the browser on. */
  finishSignIn(req: Request, res: Response, result: SignInResult, client?: ClientRecord): void {
    this.setSession(res, result.session);
    this.send(req, res, result.next, client);
  }

  /** The session cookie of a new sign-in. */
  setSession(res: Response, session: { token: string; expiresAt: Date } | undefined): void {
    if (session) this.cookies.setSession(res, session.token, session.expiresAt);
  }
}
