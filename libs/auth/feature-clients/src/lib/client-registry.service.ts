import { Injectable } from '@nestjs/common';
import { ClientFilter, ClientRecord, ClientRepository, ClientStatistics, TenantProtocolOptions } from '@sigma/auth/data-access-clients';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

/** More origins than any deployment registers; bounds the answer the gateway caches. */
const MAX_ALLOWED_ORIGINS = 50_000;
import { authenticateClient, PresentedClientAuthentication } from './client-authentication';
import { buildClientRegistration, ClientRegistrationInput, RegistrationFieldNames } from './client-registration';

/** A client as the listings show it, with its sign-in statistics. */
export interface ListedClient {
  client: ClientRecord;
  statistics: ClientStatistics;
}

/** A newly registered client and its secret, shown once. */
export interface RegisteredClient extends ListedClient {
  secret: string | null;
}

export const NO_STATISTICS: ClientStatistics = { totalUsers: 0, activeUsers: 0, totalLogins: 0, lastLogin: null };

const DERIVED_SLUG_ATTEMPTS = 5;

/**
 * The OAuth client registry: registration, tenant-scoped listings, and the lookups and client
 * authentication the protocol endpoints use. Every method takes the tenant it acts in.
 */
@Injectable()
export class ClientRegistry {
  constructor(private readonly dataSource: DataSource) {}

  /** The origins CORS admits at the gateway (AUTH_INTERNAL_ROUTES.allowedOrigins). */
  async allowedOrigins(): Promise<string[]> {
    return new ClientRepository(this.dataSource.manager).allowedOrigins(MAX_ALLOWED_ORIGINS);
  }

  /**
   * Validates and stores a client. An explicit slug already used in the tenant is CONFLICT; a
   * slug derived from the name gets a random suffix instead.
   */
  async register(tenantId: string, input: ClientRegistrationInput, fields: RegistrationFieldNames): Promise<RegisteredClient> {
    const registration = buildClientRegistration(tenantId, input, fields);
    const repository = new ClientRepository(this.dataSource.manager);
    const { client } = registration;
    const base = client.slug;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await repository.insert(client);
        return { client, secret: registration.secret, statistics: NO_STATISTICS };
      } catch (error) {
        const retry = registration.slugDerived && attempt < DERIVED_SLUG_ATTEMPTS && error instanceof DomainError && error.kind === ErrorKind.CONFLICT;
        if (!retry) throw error;
        client.slug = `${base}-${randomBytes(3).toString('hex')}`;
      }
    }
  }

  /** A page of the tenant's clients (oldest first) with their statistics (zeros when not asked for), and the total matching. */
  async list(
    tenantId: string,
    filter: ClientFilter,
    page: { offset: number; limit: number },
    options: { statistics: boolean } = { statistics: true },
  ): Promise<{ clients: ListedClient[]; total: number }> {
    const repository = new ClientRepository(this.dataSource.manager);
    const [clients, total] = await Promise.all([repository.list(tenantId, filter, page), repository.count(tenantId, filter)]);
    const statistics = options.statistics ? await repository.statisticsOf(tenantId, clients.map((c) => c.clientId)) : new Map<string, ClientStatistics>();
    return { clients: clients.map((client) => ({ client, statistics: statistics.get(client.clientId) ?? NO_STATISTICS })), total };
  }

  /** Whether some active client of the tenant may use PKCE plain or implicit responses (for discovery). */
  tenantProtocolOptions(tenantId: string): Promise<TenantProtocolOptions> {
    return new ClientRepository(this.dataSource.manager).tenantProtocolOptions(tenantId);
  }

  /**
   * The active client a client_id names, with every setting, or undefined (unknown, pending,
   * inactive, or of another tenant when `tenantId` is given). Client ids are unique across
   * tenants, so `tenantId` may be omitted when the request names no tenant.
   */
  async findActiveByClientId(tenantId: string | undefined, clientId: string): Promise<ClientRecord | undefined> {
    const client = await new ClientRepository(this.dataSource.manager).findByClientId(clientId, tenantId);
    return client?.status === 'active' ? client : undefined;
  }

  /** The tenant's active clients that registered exactly this redirect URI (for requests that name no client_id). */
  async findActiveByRedirectUri(tenantId: string, redirectUri: string): Promise<ClientRecord[]> {
    const clients = await new ClientRepository(this.dataSource.manager).findByRedirectUri(tenantId, redirectUri);
    return clients.filter((client) => client.status === 'active');
  }

  /** Looks up and authenticates the client a token-endpoint request presents (see authenticateClient). */
  async authenticate(tenantId: string | undefined, presented: PresentedClientAuthentication): Promise<ClientRecord> {
    const clientId = presented.clientId;
    const client = clientId === undefined ? undefined : await new ClientRepository(this.dataSource.manager).findByClientId(clientId, tenantId);
    return authenticateClient(client, presented);
  }
}
