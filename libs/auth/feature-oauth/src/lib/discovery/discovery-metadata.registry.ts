import { Injectable } from '@nestjs/common';

/** What a contribution to the metadata may depend on. */
export interface DiscoveryContext {
  /** The tenant's issuer identifier (issuerOf). */
  issuer: string;
  tenantId: string;
  /** The suite's public base URL, without a trailing slash. */
  publicUrl: string;
}

/**
 * Metadata members one module serves (RFC 8414 §2, OIDC Discovery §3), for example
 * `authorization_endpoint`; asynchronous when they depend on the tenant's registered clients.
 */
export type DiscoveryContribution = (context: DiscoveryContext) => Record<string, unknown> | Promise<Record<string, unknown>>;

/**
 * The discovery document is assembled from what the protocol modules register, so it lists only
 * endpoints and features that exist. Array members (grant types, response types, ...) of several
 * contributions are merged; other members are set by one module each.
 */
@Injectable()
export class DiscoveryMetadataRegistry {
  private readonly contributions: DiscoveryContribution[] = [];

  contribute(contribution: DiscoveryContribution): void {
    this.contributions.push(contribution);
  }

  async metadataOf(context: DiscoveryContext): Promise<Record<string, unknown>> {
    const metadata: Record<string, unknown> = {};
    const contributed = await Promise.all(this.contributions.map((contribution) => contribution(context)));
    for (const members of contributed) {
      for (const [member, value] of Object.entries(members)) {
        const existing = metadata[member];
        metadata[member] = Array.isArray(existing) && Array.isArray(value) ? [...new Set([...existing, ...value])] : value;
      }
    }
    return metadata;
  }
}
