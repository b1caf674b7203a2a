import { ClientRecord } from '@sigma/auth/data-access-clients';

/** Seed 003's OAuth client, exactly its fields. */
export interface TenantClientResponse {
  client_id: string;
  /** Only in the answer to the creation; null for clients without a secret. */
  client_secret?: string | null;
  name: string;
  redirect_uris: string[];
  allowed_scopes: string[];
  created_at: Date;
}

export function tenantClientOf(client: ClientRecord, secret?: string | null): TenantClientResponse {
  return {
    client_id: client.clientId,
    ...(secret === undefined ? {} : { client_secret: secret }),
    name: client.name,
    redirect_uris: client.redirectUris,
    allowed_scopes: client.allowedScopes,
    created_at: client.createdAt,
  };
}
