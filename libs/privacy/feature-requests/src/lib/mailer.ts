import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createTransport, Transporter } from 'nodemailer';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/**
 * Sends the suite's mail through nodemailer: over SMTP when a URL is configured, otherwise each
 * message is rendered as an RFC 5322 `.eml` file into a folder a developer can open.
 */
export class Mailer {
  private readonly transport: Transporter;

  constructor(private readonly options: { smtpUrl?: string; mailDir: string; from: string }) {
    this.transport = options.smtpUrl ? createTransport(options.smtpUrl) : createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: OutgoingMail): Promise<void> {
    const info: { message?: unknown } = await this.transport.sendMail({ from: this.options.from, ...mail });
    if (this.options.smtpUrl) return;
    if (!Buffer.isBuffer(info.message)) throw new Error('the mail transport rendered no message');
    const dir = resolve(this.options.mailDir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`), info.message, { mode: 0o600 });
  }
}
