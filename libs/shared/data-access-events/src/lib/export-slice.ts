import { EXPORT_PART_MAX_CHARS, PrivacyService, TypedEnvelope } from '@sigma/shared/contracts-events';
import { CompactEncrypt, compactDecrypt, importJWK, JWK } from 'jose';
import { gunzipSync, gzipSync } from 'node:zlib';
import { EntityManager } from 'typeorm';
import { OutboxPublisher } from './outbox-publisher';

/** Key agreement and content encryption of export slices (RFC 7516 / RFC 8037). */
export const EXPORT_KEY_ALGORITHM = 'ECDH-ES';
const CONTENT_ENCRYPTION = 'A256GCM';
const CONTENT_TYPE = 'application/json+gzip';

/** A service's contribution to an export: named tables of plain JSON rows. */
export type ExportSlice = Record<string, Array<Record<string, unknown>>>;

/** Cuts a compact JWE into pieces no longer than the part limit. */
export function chunksOf(text: string, size = EXPORT_PART_MAX_CHARS): string[] {
  const chunks: string[] = [];
  for (let start = 0; start < text.length; start += size) chunks.push(text.slice(start, start + size));
  return chunks;
}

/** The slice, gzipped and encrypted to the job's public key. */
export async function encryptSlice(slice: ExportSlice, recipientKey: string): Promise<string> {
  const jwk = JSON.parse(recipientKey) as JWK;
  const key = await importJWK(jwk, EXPORT_KEY_ALGORITHM);
  return new CompactEncrypt(gzipSync(Buffer.from(JSON.stringify(slice))))
    .setProtectedHeader({ alg: EXPORT_KEY_ALGORITHM, enc: CONTENT_ENCRYPTION, cty: CONTENT_TYPE })
    .encrypt(key);
}

/** Opens a slice with the job's private key (the worker's side of `encryptSlice`). */
export async function decryptSlice(jwe: string, privateKey: JWK): Promise<ExportSlice> {
  const key = await importJWK(privateKey, EXPORT_KEY_ALGORITHM);
  const { plaintext, protectedHeader } = await compactDecrypt(jwe, key, { keyManagementAlgorithms: [EXPORT_KEY_ALGORITHM], contentEncryptionAlgorithms: [CONTENT_ENCRYPTION] });
  if (protectedHeader.cty !== CONTENT_TYPE) throw new Error(`unexpected export slice content type ${String(protectedHeader.cty)}`);
  const slice: unknown = JSON.parse(gunzipSync(plaintext).toString('utf8'));
  if (typeof slice !== 'object' || slice === null || Array.isArray(slice)) throw new Error('an export slice must be an object of tables');
  return slice as ExportSlice;
}

/**
 * Answers an `export.requested` with this service's slice: encrypted to the job's key and
 * published as `export.part` chunks through the outbox, in the handler's transaction (so a
 * redelivered request, skipped as a duplicate, publishes nothing twice).
 */
export async function publishExportSlice(
  publisher: OutboxPublisher,
  manager: EntityManager,
  request: TypedEnvelope<'export.requested'>,
  service: PrivacyService,
  slice: ExportSlice,
): Promise<void> {
  const chunks = chunksOf(await encryptSlice(slice, request.data.recipient_key));
  for (const [part, ciphertext] of chunks.entries()) {
    await publisher.publish(manager, {
      type: 'export.part',
      tenantId: request.tenant_id,
      subject: request.subject,
      data: { job_id: request.data.job_id, service, part, total_parts: chunks.length, ciphertext },
    });
  }
}
