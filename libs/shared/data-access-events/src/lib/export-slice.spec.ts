import { EXPORT_PART_MAX_CHARS } from '@sigma/shared/contracts-events';
import { exportJWK, generateKeyPair } from 'jose';
import { randomBytes } from 'node:crypto';
import { chunksOf, decryptSlice, encryptSlice, EXPORT_KEY_ALGORITHM } from './export-slice';

async function keyPair(): Promise<{ recipient: string; privateJwk: Awaited<ReturnType<typeof exportJWK>> }> {
  const { publicKey, privateKey } = await generateKeyPair(EXPORT_KEY_ALGORITHM, { crv: 'X25519', extractable: true });
  return { recipient: JSON.stringify(await exportJWK(publicKey)), privateJwk: await exportJWK(privateKey) };
}

describe('export slices', () => {
  const slice = { profile: [{ email: 'jane@example.test', first_name: 'Jane, "J"', created_at: '2026-01-01T00:00:00.000Z' }], roles: [] };

  it('round-trips a slice through the job key as a compact JWE that shows nothing of it', async () => {
    const { recipient, privateJwk } = await keyPair();
    const jwe = await encryptSlice(slice, recipient);
    expect(jwe.split('.')).toHaveLength(5);
    expect(jwe).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(Buffer.from(jwe.split('.')[3], 'base64url').toString('latin1')).not.toContain('jane@example.test');
    await expect(decryptSlice(jwe, privateJwk)).resolves.toEqual(slice);
  });

  it('cannot be opened with another key, nor after tampering', async () => {
    const { recipient } = await keyPair();
    const other = await keyPair();
    const jwe = await encryptSlice(slice, recipient);
    await expect(decryptSlice(jwe, other.privateJwk)).rejects.toThrow();
    const parts = jwe.split('.');
    parts[3] = `${parts[3].slice(0, -2)}${parts[3].endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(decryptSlice(parts.join('.'), (await keyPair()).privateJwk)).rejects.toThrow();
  });

  it('cuts large slices into parts no longer than the limit, joined back in order', async () => {
    const { recipient, privateJwk } = await keyPair();
    // Random data does not compress: well over one part.
    const big = { blobs: Array.from({ length: 40 }, (_, i) => ({ i, data: randomBytes(12 * 1024).toString('base64') })) };
    const jwe = await encryptSlice(big, recipient);
    const chunks = chunksOf(jwe);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.length <= EXPORT_PART_MAX_CHARS)).toBe(true);
    await expect(decryptSlice(chunks.join(''), privateJwk)).resolves.toEqual(big);
    expect(chunksOf('abcdefg', 3)).toEqual(['abc', 'def', 'g']);
  });
});
