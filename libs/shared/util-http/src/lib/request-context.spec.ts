import { queryOf } from './request-context';

describe('queryOf', () => {
  it("reads Express's req.query only when the URL has a query string", () => {
    let reads = 0;
    const request = (url: string) => ({
      url,
      get query() {
        reads += 1;
        return { tenant_id: 't-1' };
      },
    });
    expect(queryOf(request('/oauth/token'))).toEqual({});
    expect(reads).toBe(0);
    expect(queryOf(request('/oauth/token?tenant_id=t-1'))).toEqual({ tenant_id: 't-1' });
    expect(reads).toBe(1);
  });
});
