import { EntityManager } from 'typeorm';

/** The privacy worker's registry of data subjects; calls run in the caller's transaction. */
export class DataSubjectRepository {
  constructor(private readonly manager: EntityManager) {}

  async register(subject: { userId: string; tenantId: string; at: string }): Promise<void> {
    await this.manager.query(
      `INSERT INTO privacy.data_subjects (user_id, tenant_id, registered_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO NOTHING`,
      [subject.userId, subject.tenantId, subject.at],
    );
  }

  async markErased(userId: string, at: string): Promise<void> {
    await this.manager.query('UPDATE privacy.data_subjects SET erased_at = COALESCE(erased_at, $2) WHERE user_id = $1', [userId, at]);
  }
}
