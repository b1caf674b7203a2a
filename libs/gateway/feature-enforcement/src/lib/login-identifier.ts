import type { Request } from 'express';

const bodies = new WeakMap<Request, Buffer>();
/** Login bodies are small; a larger one is refused by the service anyway (BODY_LIMIT). */
const MAX_PEEK_BYTES = 64 * 1024;

/** The body the gateway already read from a request, for the proxy to send on unchanged. */
export function bufferedBodyOf(req: Request): Buffer | undefined {
  return bodies.get(req);
}

async function readBody(req: Request): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_PEEK_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function fieldsOf(contentType: string, body: string): Record<string, unknown> {
  try {
    if (contentType.includes('application/json')) {
      const parsed: unknown = JSON.parse(body);
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    }
    if (contentType.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body));
  } catch {
    // Malformed: the service answers it; the limit counts it by address only.
  }
  return {};
}

/**
 * Who a login attempt is for, for API.md's "client IP + username" key: `username` (JSON, seed
 * 004), the name in seed 000's `credentials` (base64 of `username:password`), or the MFA step's
 * `mfa_session_id`; lower-cased. The body is kept for the proxy; the password is never kept.
 * A body too large to peek at resolves to undefined (and is refused with 413 by the caller).
 */
export async function loginIdentifierOf(req: Request): Promise<{ identifier: string } | undefined> {
  const body = await readBody(req);
  if (body === undefined) return undefined;
  bodies.set(req, body);
  const fields = fieldsOf(String(req.headers['content-type'] ?? ''), body.toString('utf8'));
  let identifier = '';
  if (typeof fields['username'] === 'string') identifier = fields['username'];
  else if (typeof fields['credentials'] === 'string') identifier = Buffer.from(fields['credentials'], 'base64').toString('utf8').split(':')[0] ?? '';
  else if (typeof fields['mfa_session_id'] === 'string') identifier = fields['mfa_session_id'];
  return { identifier: identifier.trim().toLowerCase().slice(0, 320) };
}
