import { randomUUID } from 'node:crypto';
import { deadLetterTopicOf, EVENT_TYPES } from './catalogue';
import { EXPORT_PART_MAX_CHARS } from './payloads';
import { createEnvelope, InvalidEventError, parseEnvelope } from './envelope';

const tenantId = randomUUID();
const userId = randomUUID();

function problemsOf(raw: string): string[] {
  try {
    parseEnvelope(raw);
  } catch (error) {
    if (error instanceof InvalidEventError) return error.problems;
    throw error;
  }
  throw new Error('expected the message to be refused');
}

describe('event envelopes', () => {
  it('round-trips a created envelope through the wire format', () => {
    const envelope = createEnvelope({ type: 'user.deleted', tenantId, subject: userId, data: { user_id: userId } });
    expect(envelope).toMatchObject({ type: 'user.deleted', version: 1, tenant_id: tenantId, subject: userId });
    const parsed = parseEnvelope(Buffer.from(JSON.stringify(envelope)));
    expect(parsed).toEqual(JSON.parse(JSON.stringify(envelope)));
  });

  it('registers the topics the architecture names', () => {
    expect(EVENT_TYPES).toEqual(
      expect.arrayContaining(['user.created', 'user.updated', 'user.deleted', 'session.created', 'session.revoked', 'export.requested', 'export.part', 'export.completed', 'erasure.acknowledged']),
    );
    expect(deadLetterTopicOf('user.created')).toBe('user.created.dlq');
  });

  it('refuses producers that would put extra facts in a payload', () => {
    expect(() =>
      createEnvelope({ type: 'user.created', tenantId, subject: userId, data: { user_id: userId, password: 'x' } as never }),
    ).toThrow(InvalidEventError);
  });

  it.each([
    ['not JSON', '{"id":'],
    ['not an object', '[1,2]'],
  ])('refuses a message that is %s', (_, raw) => {
    expect(problemsOf(raw).length).toBeGreaterThan(0);
  });

  it('refuses unknown types, future versions and bad payloads with reasons', () => {
    const good = createEnvelope({ type: 'user.created', tenantId, subject: userId, data: { user_id: userId } });
    expect(problemsOf(JSON.stringify({ ...good, type: 'user.renamed' }))).toEqual(['unknown event type user.renamed']);
    expect(problemsOf(JSON.stringify({ ...good, version: 2 }))[0]).toContain('newer than 1');
    expect(problemsOf(JSON.stringify({ ...good, data: { user_id: 'nope' } }))[0]).toContain('data.user_id');
    expect(problemsOf(JSON.stringify({ ...good, id: 'x' }))[0]).toContain('id must be a UUID');
  });

  it('keeps export parts within the chunk size and names only privacy services', () => {
    const jobId = randomUUID();
    const part = { job_id: jobId, service: 'user-directory', part: 0, total_parts: 1, ciphertext: 'a'.repeat(EXPORT_PART_MAX_CHARS) };
    expect(createEnvelope({ type: 'export.part', tenantId, subject: userId, data: part as never }).data).toMatchObject({ part: 0 });
    expect(() => createEnvelope({ type: 'export.part', tenantId, subject: userId, data: { ...part, ciphertext: 'a'.repeat(EXPORT_PART_MAX_CHARS + 1) } as never })).toThrow(InvalidEventError);
    expect(() => createEnvelope({ type: 'export.part', tenantId, subject: userId, data: { ...part, ciphertext: '{"email":"x"}' } as never })).toThrow(InvalidEventError);
    expect(() =>
      createEnvelope({ type: 'export.requested', tenantId, subject: userId, data: { job_id: jobId, user_id: userId, services: ['analytics'], recipient_key: '{}' } as never }),
    ).toThrow(InvalidEventError);
    expect(() => createEnvelope({ type: 'erasure.acknowledged', tenantId, subject: userId, data: { request_id: jobId, user_id: userId, service: 'mailer' } as never })).toThrow(InvalidEventError);
  });
});
