import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mailer } from './mailer';

describe('Mailer without SMTP', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sigma-mailer-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes each message as an RFC 5322 .eml file only its owner can read', async () => {
    const mailDir = join(dir, 'mail');
    const mailer = new Mailer({ mailDir, from: 'Sigma IAM <no-reply@sigma-iam.local>' });
    await mailer.send({ to: 'jane@example.test', subject: 'Your code', text: 'Your verification code is 123456.' });
    await mailer.send({ to: 'joe@example.test', subject: 'Your code', text: 'Your verification code is 654321.' });
    const files = (await readdir(mailDir)).sort();
    expect(files).toHaveLength(2);
    expect(files.every((f) => f.endsWith('.eml'))).toBe(true);
    const texts = await Promise.all(files.map((f) => readFile(join(mailDir, f), 'utf8')));
    const jane = texts.find((t) => t.includes('To: jane@example.test'));
    expect(jane).toMatch(/^From: Sigma IAM <no-reply@sigma-iam\.local>$/m);
    expect(jane).toMatch(/^Subject: Your code$/m);
    expect(jane).toMatch(/^Message-ID: <.+>$/m);
    expect(jane).toContain('Your verification code is 123456.');
    expect((await stat(join(mailDir, files[0]))).mode & 0o777).toBe(0o600);
  });
});
