import { EntityManager } from 'typeorm';

/**
 * The privacy worker's registry of data subjects; calls run in the caller's transaction. User
 * events travel on different topics and may arrive in any order: an erasure seen before the
 * creation is kept, and a late creation never revives an erased subject.
 */
export class DataSubjectRepository {
  constructor(private readonly manager: EntityManager) {}

  async register(subject: { userId: string; tenantId: string; at: string }): Promise<void> {
    await this.manager.query(
      `INSERT INTO privacy.data_subjects (user_id, tenant_id, registered_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO NOTHING`,
      [subject.userId, subject.tenantId, subject.at],
    );
  }

  async markErased(subject: { userId: string; tenantId: string; at: string }): Promise<void> {
    await this.manager.query(
      `INSERT INTO privacy.data_subjects (user_id, tenant_id, registered_at, erased_at) VALUES ($1, $2, $3, $3)
       ON CONFLICT (user_id) DO UPDATE SET erased_at = COALESCE(privacy.data_subjects.erased_at, EXCLUDED.erased_at)`,
      [subject.userId, subject.tenantId, subject.at],
    );
  }
}
