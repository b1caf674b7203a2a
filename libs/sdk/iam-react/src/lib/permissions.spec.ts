import { permits } from './permissions';

describe('permits', () => {
  it('matches exact permissions, resource wildcards and the global wildcard, as the suite does', () => {
    expect(permits(['users:read'], 'users:read')).toBe(true);
    expect(permits(['users:*'], 'users:read')).toBe(true);
    expect(permits(['*'], 'roles:write')).toBe(true);
    expect(permits(['users:read'], 'users:write')).toBe(false);
    expect(permits(['users:*'], 'roles:read')).toBe(false);
    expect(permits(['user:*'], 'users:read')).toBe(false);
    expect(permits([], 'users:read')).toBe(false);
  });
});
