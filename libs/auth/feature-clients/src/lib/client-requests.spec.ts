import { ArgumentMetadata, Type } from '@nestjs/common';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { createValidationPipe } from '@sigma/shared/util-http';
import { CreateApplicationRequest, ListApplicationsRequest } from './create-application.request.dto';
import { CreateTenantClientRequest } from './create-tenant-client.request.dto';
import { ListRegisteredApplicationsRequest, RegisterApplicationRequest } from './register-application.request.dto';

const pipe = createValidationPipe();

async function problems(metatype: Type<unknown>, value: unknown, type: ArgumentMetadata['type'] = 'body'): Promise<string[]> {
  try {
    await pipe.transform(value, { type, metatype });
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe(ErrorKind.VALIDATION);
    return (error as DomainError).details.map((d) => d.field);
  }
  return [];
}

describe('request validation', () => {
  it("accepts seed 000's and seed 003's examples", async () => {
    expect(
      await problems(CreateApplicationRequest, {
        client_name: 'My Application',
        client_type: 'confidential',
        redirect_uris: ['https://myapp.com/callback'],
        allowed_grant_types: ['authorization_code', 'refresh_token'],
        allowed_scopes: ['read', 'write'],
      }),
    ).toEqual([]);
    expect(await problems(CreateTenantClientRequest, { name: 'string', redirect_uris: ['https://a.example/cb'], allowed_scopes: ['string'] })).toEqual([]);
  });

  it("accepts seed 002's example", async () => {
    expect(
      await problems(RegisterApplicationRequest, {
        name: 'New Application',
        slug: 'new-app',
        description: 'A new application for testing',
        type: 'web',
        url: 'https://newapp.com',
        callbackUrls: ['https://newapp.com/auth/callback'],
        allowedOrigins: ['https://newapp.com'],
        settings: { allowRegistration: false, requireEmailVerification: true, defaultRole: 'user', sessionTimeout: 3600, maxSessions: 2 },
        branding: { primaryColor: '#f59e0b', secondaryColor: '#64748b' },
      }),
    ).toEqual([]);
  });

  it('refuses unknown fields, also nested ones', async () => {
    expect(await problems(CreateApplicationRequest, { client_name: 'x', is_admin: true })).toEqual(['is_admin']);
    expect(await problems(CreateTenantClientRequest, { name: 'x', client_name: 'x' })).toEqual(['client_name']);
    expect(await problems(RegisterApplicationRequest, { name: 'x', settings: { superUser: true } })).toEqual(['settings.superUser']);
  });

  it('refuses wrong types and missing names', async () => {
    expect(await problems(CreateApplicationRequest, {})).toEqual(['client_name', 'client_name', 'client_name']);
    expect(await problems(CreateApplicationRequest, { client_name: 'x', redirect_uris: 'https://a.example/cb' })).toContain('redirect_uris');
    expect(await problems(CreateApplicationRequest, { client_name: 'x', client_type: 'secret' })).toEqual(['client_type']);
    expect(await problems(CreateApplicationRequest, { client_name: 'x', fapi2: 'yes' })).toEqual(['fapi2']);
    expect(await problems(CreateApplicationRequest, { client_name: 'x', token_lifetimes: { access_token: 10 } })).toEqual(['token_lifetimes.access_token']);
    expect(await problems(RegisterApplicationRequest, { name: 'x', type: 'tv' })).toEqual(['type']);
    expect(await problems(RegisterApplicationRequest, { name: 'x', branding: { primaryColor: 'blue' } })).toEqual(['branding.primaryColor']);
    expect(await problems(RegisterApplicationRequest, { name: 'x', settings: { maxSessions: 0 } })).toEqual(['settings.maxSessions']);
  });

  it('bounds list queries', async () => {
    expect(await problems(ListApplicationsRequest, { page: '2', size: '50' }, 'query')).toEqual([]);
    expect(await problems(ListApplicationsRequest, { size: '101' }, 'query')).toEqual(['size']);
    expect(await problems(ListApplicationsRequest, { page: '0' }, 'query')).toEqual(['page']);
    expect(await problems(ListApplicationsRequest, { page: 'abc' }, 'query')).toContain('page');
    expect(await problems(ListRegisteredApplicationsRequest, { status: 'pending', type: 'mobile' }, 'query')).toEqual([]);
    expect(await problems(ListRegisteredApplicationsRequest, { status: 'deleted' }, 'query')).toEqual(['status']);
  });
});
