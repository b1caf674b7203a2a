import { strFromU8, unzipSync } from 'fflate';
import { csvOf, csvZipArtifact, ExportManifest, jsonArtifact } from './export-artifact';
import { servicesFor } from './export.service';

const manifest: ExportManifest = {
  job_id: '7f1e7f5e-2f6a-4bb0-9d55-6a5f0e8f3c11',
  tenant_id: '0b8f3f2e-8f1c-4f0e-9d8e-0f6a5c3b2a10',
  user_id: '5d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d',
  format: 'csv',
  generated_at: '2026-11-30T02:00:00.000Z',
  services: ['user-directory'],
  not_held: ['analytics'],
};

describe('export artifacts', () => {
  it('writes CSV with quoting, the union of columns and JSON for nested values', () => {
    const csv = csvOf([
      { id: 1, name: 'Doe, "Jane"', tags: ['a', 'b'] },
      { id: 2, note: 'two\nlines', name: null },
    ]);
    expect(csv).toBe('id,name,tags,note\r\n1,"Doe, ""Jane""","[""a"",""b""]",\r\n2,,,"two\nlines"\r\n');
    expect(csvOf([])).toBe('');
  });

  it('zips a manifest and one CSV per table of each service', () => {
    const zip = csvZipArtifact(manifest, { 'user-directory': { profile: [{ email: 'jane@example.test' }], roles: [] } });
    const files = unzipSync(new Uint8Array(zip));
    expect(Object.keys(files).sort()).toEqual(['manifest.json', 'user-directory/profile.csv', 'user-directory/roles.csv']);
    expect(strFromU8(files['user-directory/profile.csv'])).toBe('email\r\njane@example.test\r\n');
    expect(JSON.parse(strFromU8(files['manifest.json']))).toEqual(manifest);
  });

  it('writes one JSON document of the manifest and the slices', () => {
    const document = JSON.parse(jsonArtifact({ ...manifest, format: 'json' }, { 'auth-server': { applications: [] } }).toString('utf8'));
    expect(document).toEqual({ export: { ...manifest, format: 'json' }, data: { 'auth-server': { applications: [] } } });
  });
});

describe('services an export asks', () => {
  it('asks every answering service when nothing is named, always including the worker', () => {
    expect(servicesFor(undefined)).toEqual(['user-directory', 'auth-server', 'session-service', 'privacy-worker']);
    expect(servicesFor([])).toEqual(['user-directory', 'auth-server', 'session-service', 'privacy-worker']);
  });

  it("maps seed 001's categories and ignores names nothing is held for", () => {
    expect(servicesFor(['identity', 'profile', 'analytics'])).toEqual(['user-directory', 'auth-server', 'privacy-worker']);
    expect(servicesFor(['profile'])).toEqual(['user-directory', 'privacy-worker']);
    expect(servicesFor(['analytics'])).toEqual(['privacy-worker']);
    expect(servicesFor(['sessions'])).toEqual(['session-service', 'privacy-worker']);
  });
});
