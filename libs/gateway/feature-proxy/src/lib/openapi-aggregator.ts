import { Injectable } from '@nestjs/common';
import { mergeOpenApi } from './openapi-merge';
import { ServiceDirectory } from './service-directory';

const CACHE_MS = 30000;

/** Builds the merged document from the services' own documents; cached briefly, never with a gap. */
@Injectable()
export class OpenApiAggregator {
  private base: Record<string, unknown> = {};
  private cached?: { at: number; document: Record<string, unknown> };

  constructor(private readonly directory: ServiceDirectory) {}

  /** The gateway's own document (its routes and info), set once the application exists. */
  useBase(document: Record<string, unknown>): void {
    this.base = document;
  }

  async merged(): Promise<Record<string, unknown>> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.document;
    const services = this.directory.services;
    const documents = await Promise.all(services.map((s) => this.directory.openApiOf(s)));
    const missing = services.filter((_, i) => documents[i] === undefined);
    const document = mergeOpenApi(this.base, documents.filter((d): d is Record<string, unknown> => d !== undefined), missing);
    if (missing.length === 0) this.cached = { at: Date.now(), document };
    return document;
  }
}
