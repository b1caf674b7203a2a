import { Inject, Injectable } from '@nestjs/common';
import { ExportFormat, ExportJobRecord, ExportJobsRepository } from '@sigma/privacy/data-access';
import { PrivacyService, TypedEnvelope } from '@sigma/shared/contracts-events';
import { decryptSlice, EXPORT_KEY_ALGORITHM, ExportSlice, OutboxPublisher } from '@sigma/shared/data-access-events';
import { Caller, permits } from '@sigma/shared/util-auth';
import { DomainError, ErrorKind } from '@sigma/shared/util-errors';
import { LOGGER } from '@sigma/shared/util-http';
import { exportJWK, generateKeyPair } from 'jose';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { csvZipArtifact, ExportManifest, jsonArtifact } from './export-artifact';
import { ExportRequest } from './export.request.dto';
import { ANSWERING_SERVICES, EXPORT_CATEGORIES, PRIVACY_OPTIONS, PrivacyOptions } from './privacy-options';

export const EXPORT_PERMISSION = 'privacy:export';
const ESTIMATE_SECONDS = 60;

export interface ExportJobView {
  job_id: string;
  status: string;
  format: ExportFormat;
  user_id: string;
  tenant_id: string;
  created_at: string;
  estimated_completion: string;
  completed_at: string | null;
  expires_at: string | null;
  services: string[];
  not_held: string[];
  progress: {
    parts_received: number;
    parts_expected: number;
    services_answered: number;
    services_expected: number;
    services: Array<{ service: string; status: 'answered' | 'waiting'; parts_received: number; total_parts: number | null }>;
  };
  error?: string;
  download_url?: string;
}

function notFound(): DomainError {
  return new DomainError(ErrorKind.NOT_FOUND, 'no such export job', { oauthError: 'not_found' });
}

/** The caller may act for the subject: it is the subject, or holds `permission` in the subject's tenant. */
export function assertActsFor(caller: Caller, tenantId: string, userId: string, permission: string): void {
  if (caller.tenantId !== tenantId) throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, 'the subject belongs to another tenant', { oauthError: 'access_denied' });
  if (caller.userId === userId || permits(caller.permissions, permission)) return;
  throw new DomainError(ErrorKind.INSUFFICIENT_PERMISSIONS, `only the subject or an administrator with ${permission} may do this`, { oauthError: 'access_denied' });
}

/** Whether the caller may read a request about this subject (unreadable ones look absent). */
function mayRead(caller: Caller, tenantId: string, userId: string, permission: string): boolean {
  return caller.tenantId === tenantId && (caller.userId === userId || permits(caller.permissions, permission));
}

function notHeldOf(include: readonly string[]): string[] {
  return include.filter((name) => !(EXPORT_CATEGORIES[name] ?? []).some((service) => ANSWERING_SERVICES.includes(service)));
}

/** The services an export asks: those the named categories select (all when none are named), and always the worker. */
export function servicesFor(include: readonly string[] | undefined): PrivacyService[] {
  if (include === undefined || include.length === 0) return [...ANSWERING_SERVICES];
  const selected = new Set<PrivacyService>(['privacy-worker']);
  for (const name of include) for (const service of EXPORT_CATEGORIES[name] ?? []) selected.add(service);
  return ANSWERING_SERVICES.filter((service) => selected.has(service));
}

/**
 * Data subject access exports: records the job with a fresh key pair, asks every data-owning
 * service through `export.requested`, assembles their encrypted parts into the artifact, and
 * fails the job, naming the silent services, when its deadline passes.
 */
@Injectable()
export class ExportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    @Inject(PRIVACY_OPTIONS) private readonly options: PrivacyOptions,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async request(caller: Caller, body: ExportRequest, requestId?: string): Promise<ExportJobView> {
    assertActsFor(caller, body.tenant_id, body.user_id, EXPORT_PERMISSION);
    await this.options.directory.subject(body.user_id, body.tenant_id, requestId);
    const { publicKey, privateKey } = await generateKeyPair(EXPORT_KEY_ALGORITHM, { crv: 'X25519', extractable: true });
    const recipientKey = JSON.stringify(await exportJWK(publicKey));
    const services = servicesFor(body.include_services);
    const job = await this.dataSource.transaction(async (manager) => {
      const created = await new ExportJobsRepository(manager).create({
        id: randomUUID(),
        tenantId: body.tenant_id,
        userId: body.user_id,
        requestedBy: caller.userId ?? null,
        requestedByClient: caller.clientId,
        format: body.format ?? 'json',
        includeServices: body.include_services ?? [],
        services,
        privateKey: await exportJWK(privateKey),
        deadline: new Date(Date.now() + this.options.exportTimeoutSeconds * 1000),
      });
      await this.publisher.publish(manager, {
        type: 'export.requested',
        tenantId: body.tenant_id,
        subject: body.user_id,
        data: { job_id: created.id, user_id: body.user_id, services, recipient_key: recipientKey },
      });
      return created;
    });
    this.logger.info({ job_id: job.id, services }, 'export requested');
    return this.viewOf(job);
  }

  async status(caller: Caller, jobId: string): Promise<ExportJobView> {
    return this.viewOf(await this.readable(caller, jobId));
  }

  async download(caller: Caller, jobId: string): Promise<{ body: Buffer; format: ExportFormat }> {
    const job = await this.readable(caller, jobId);
    if (job.status === 'expired') throw new DomainError(ErrorKind.NOT_FOUND, 'this export has expired and was deleted; request a new one', { oauthError: 'not_found' });
    if (job.status !== 'completed') {
      throw new DomainError(ErrorKind.CONFLICT, job.status === 'failed' ? `this export failed: ${job.failure_reason ?? 'unknown reason'}` : 'this export is still processing', {
        oauthError: 'invalid_request',
      });
    }
    const body = await new ExportJobsRepository(this.dataSource.manager).artifactOf(jobId);
    if (!body) throw notFound();
    return { body, format: job.format };
  }

  /**
   * One `export.part` arrived (in the consumer's transaction). A part of an unknown, finished or
   * failed job, or a redelivered part, changes nothing; the last awaited part assembles the job.
   */
  async receivePart(event: TypedEnvelope<'export.part'>, manager: EntityManager): Promise<void> {
    const jobs = new ExportJobsRepository(manager);
    const job = await jobs.lockProcessing(event.data.job_id);
    if (!job) return;
    const { job_id: jobId, service, part, total_parts: totalParts, ciphertext } = event.data;
    if (!(await jobs.addPart({ jobId, service, part, totalParts, ciphertext }))) return;
    if (!(await jobs.allAnswered(jobId))) return;
    const slices: Record<string, ExportSlice> = {};
    for (const { service: from, jwe } of await jobs.slicesOf(jobId)) {
      try {
        slices[from] = await decryptSlice(jwe, job.private_key);
      } catch (error) {
        this.logger.warn({ job_id: jobId, service: from, error: (error as Error).message }, 'export slice could not be opened');
        await this.finish(manager, jobId, job, 'failed', () => jobs.fail(jobId, `the slice of ${from} could not be read`));
        return;
      }
    }
    const record = await jobs.find(jobId);
    if (!record) return;
    const manifest: ExportManifest = {
      job_id: jobId,
      tenant_id: job.tenant_id,
      user_id: job.user_id,
      format: job.format,
      generated_at: new Date().toISOString(),
      services: record.services,
      not_held: notHeldOf(record.include_services),
    };
    const artifact = job.format === 'csv' ? csvZipArtifact(manifest, slices) : jsonArtifact(manifest, slices);
    const expiresAt = new Date(Date.now() + this.options.exportRetentionHours * 3600 * 1000);
    await this.finish(manager, jobId, job, 'completed', () => jobs.complete(jobId, artifact, expiresAt));
    this.logger.info({ job_id: jobId, bytes: artifact.length }, 'export completed');
  }

  /** Fails overdue jobs and deletes expired artifacts; safe to run on every replica at once. */
  async sweep(): Promise<void> {
    const failed = await this.dataSource.transaction(async (manager) => {
      const jobs = new ExportJobsRepository(manager);
      const overdue = await jobs.lockOverdue(100);
      for (const job of overdue) {
        const reason = `no answer before the deadline from: ${job.silent.join(', ')}`;
        await this.finish(manager, job.id, job, 'failed', () => jobs.fail(job.id, reason));
      }
      return overdue;
    });
    for (const job of failed) this.logger.warn({ job_id: job.id, silent: job.silent }, 'export failed: services did not answer in time');
    const expired = await new ExportJobsRepository(this.dataSource.manager).expireArtifacts();
    if (expired > 0) this.logger.info({ expired }, 'expired export artifacts deleted');
  }

  private async finish(manager: EntityManager, jobId: string, job: { tenant_id: string; user_id: string }, status: 'completed' | 'failed', apply: () => Promise<void>): Promise<void> {
    await apply();
    await this.publisher.publish(manager, { type: 'export.completed', tenantId: job.tenant_id, subject: job.user_id, data: { job_id: jobId, user_id: job.user_id, status } });
  }

  private async readable(caller: Caller, jobId: string): Promise<ExportJobRecord> {
    const job = await new ExportJobsRepository(this.dataSource.manager).find(jobId);
    if (!job || !mayRead(caller, job.tenant_id, job.user_id, EXPORT_PERMISSION)) throw notFound();
    return job;
  }

  private viewOf(job: ExportJobRecord): ExportJobView {
    const estimate = new Date(Math.min(job.deadline.getTime(), job.created_at.getTime() + ESTIMATE_SECONDS * 1000));
    const services = job.progress.map((p) => ({
      service: p.service,
      status: p.answered_at === null ? ('waiting' as const) : ('answered' as const),
      parts_received: p.parts_received,
      total_parts: p.total_parts,
    }));
    return {
      job_id: job.id,
      status: job.status,
      format: job.format,
      user_id: job.user_id,
      tenant_id: job.tenant_id,
      created_at: job.created_at.toISOString(),
      estimated_completion: (job.completed_at ?? estimate).toISOString(),
      completed_at: job.completed_at?.toISOString() ?? null,
      expires_at: job.expires_at?.toISOString() ?? null,
      services: job.services,
      not_held: notHeldOf(job.include_services),
      progress: {
        parts_received: services.reduce((sum, s) => sum + s.parts_received, 0),
        parts_expected: services.reduce((sum, s) => sum + (s.total_parts ?? Math.max(1, s.parts_received)), 0),
        services_answered: services.filter((s) => s.status === 'answered').length,
        services_expected: services.length,
        services,
      },
      ...(job.failure_reason === null ? {} : { error: job.failure_reason }),
      ...(job.status === 'completed' ? { download_url: `/privacy/export/${job.id}/download` } : {}),
    };
  }
}
