import { Injectable, OnModuleInit } from '@nestjs/common';
import { SsoProviderRepository } from '@sigma/auth/data-access-federation';
import { html, LoginMethodContext, LoginMethodRegistry, SafeHtml } from '@sigma/auth/feature-authorize';
import { DataSource } from 'typeorm';

/**
 * The login page's "Continue with …" buttons: one plain link per enabled provider of the pending
 * authorization's tenant, to /api/v1/auth/social/{provider}?login_challenge=… (no script, no form).
 */
@Injectable()
export class SocialLoginButtons implements OnModuleInit {
  constructor(
    private readonly methods: LoginMethodRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.methods.register({ id: 'social', render: (context) => this.render(context) });
  }

  async render(context: LoginMethodContext): Promise<SafeHtml | undefined> {
    const providers = await new SsoProviderRepository(this.dataSource.manager).list(context.tenantId, true);
    if (providers.length === 0) return undefined;
    const links = providers.map(
      (provider) =>
        html`<li><a class="social-login" href="/api/v1/auth/social/${encodeURIComponent(provider.key)}?login_challenge=${encodeURIComponent(context.loginChallenge)}">${provider.displayName}</a></li>`,
    );
    return html`<nav aria-label="Other ways to sign in"><ul class="social-logins">${links}</ul></nav>`;
  }
}
