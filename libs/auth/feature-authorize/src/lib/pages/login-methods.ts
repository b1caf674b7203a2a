import { Injectable } from '@nestjs/common';
import type { SafeHtml } from './html';

/** What another sign-in method's button needs to continue the same pending authorization. */
export interface LoginMethodContext {
  /** The pending authorization's handle (seed 004's login_challenge): pass it back to resume the flow. */
  loginChallenge: string;
  tenantId: string;
  clientId: string;
  /** The page's CSRF token (a form posting to auth-server carries it as `csrf_token`). */
  csrfToken: string;
}

/** A sign-in method offered below the password form (passkeys, social providers). */
export interface LoginMethod {
  /** Stable id, e.g. `passkey` or `social:google`. */
  readonly id: string;
  /** Plain HTML (a form or link; no script, the page's CSP allows none). Return undefined to offer nothing for this request. */
  render(context: LoginMethodContext): Promise<SafeHtml | undefined>;
}

/**
 * The login page's extension point: other features register their buttons here (for example in
 * onModuleInit) and the page renders them, in registration order, under the password form.
 */
@Injectable()
export class LoginMethodRegistry {
  private readonly methods: LoginMethod[] = [];

  register(method: LoginMethod): void {
    if (this.methods.some((m) => m.id === method.id)) throw new Error(`login method ${method.id} is registered already`);
    this.methods.push(method);
  }

  async render(context: LoginMethodContext): Promise<SafeHtml[]> {
    const rendered = await Promise.all(this.methods.map((method) => method.render(context)));
    return rendered.filter((fragment): fragment is SafeHtml => fragment !== undefined);
  }
}
