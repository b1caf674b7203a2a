import { DomainError } from '@sigma/shared/util-errors';
import { DEFAULT_USER_SORT, pageSizeOf, parseUserFilter, parseUserSort, totalPagesOf } from './user-query';

function problemOf(action: () => unknown): { field: string; message: string } {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error.details[0];
    throw error;
  }
  throw new Error('accepted');
}

describe('user list query', () => {
  it('parses sort on the whitelist', () => {
    expect(parseUserSort(undefined)).toEqual(DEFAULT_USER_SORT);
    expect(parseUserSort('email:desc')).toEqual({ field: 'email', direction: 'desc' });
    expect(parseUserSort('Last_Name:asc')).toEqual({ field: 'last_name', direction: 'asc' });
  });

  it.each(['email', 'email:up', 'email:asc:x', 'password_hash:asc', 'tenant_id:desc', "email:asc;drop", ':asc'])('refuses the sort %s', (sort) => {
    expect(problemOf(() => parseUserSort(sort)).field).toBe('sort');
  });

  it('parses filters on the whitelist', () => {
    expect(parseUserFilter('is_active:true,role:admin,search:john doe')).toEqual({ isActive: true, role: 'admin', search: 'john doe' });
    expect(parseUserFilter('email_verified:false,email:A@B.example')).toEqual({ emailVerified: false, email: 'A@B.example' });
    expect(parseUserFilter(undefined)).toEqual({});
  });

  it.each(['is_active', 'is_active:maybe', 'is_active:true,is_active:false', 'password:x', 'role:', 'role:a:b', ',role:x', 'role:x,', `search:${'x'.repeat(101)}`])(
    'refuses the filter %s',
    (filter) => {
      expect(problemOf(() => parseUserFilter(filter)).field).toBe('filter');
    },
  );

  it('takes the page size from size or limit, which must agree', () => {
    expect(pageSizeOf(undefined, undefined)).toBe(20);
    expect(pageSizeOf(50, undefined)).toBe(50);
    expect(pageSizeOf(undefined, 7)).toBe(7);
    expect(pageSizeOf(7, 7)).toBe(7);
    expect(problemOf(() => pageSizeOf(7, 8)).field).toBe('limit');
  });

  it('counts pages', () => {
    expect([totalPagesOf(0, 20), totalPagesOf(1, 20), totalPagesOf(20, 20), totalPagesOf(21, 20)]).toEqual([0, 1, 1, 2]);
  });
});
