import { Injectable, OnModuleInit } from '@nestjs/common';
import { html, LoginMethod, LoginMethodContext, LoginMethodRegistry, SafeHtml } from '@sigma/auth/feature-authorize';

/** The login page's "Sign in with a passkey" button: a plain form to the passkey step of the same authorization. */
@Injectable()
export class PasskeyLoginMethod implements LoginMethod, OnModuleInit {
  readonly id = 'passkey';

  constructor(private readonly registry: LoginMethodRegistry) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async render(context: LoginMethodContext): Promise<SafeHtml> {
    return html`<form method="get" action="/webauthn/login">
<input type="hidden" name="login_challenge" value="${context.loginChallenge}">
<button type="submit" class="secondary">Sign in with a passkey</button>
</form>`;
  }
}
