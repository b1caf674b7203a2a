import { EntityManager } from 'typeorm';

/**
 * Runs an UPDATE or DELETE (optionally with RETURNING) and answers the returned rows and how many
 * changed. TypeORM's Postgres driver answers those statements with `[rows, rowCount]`.
 */
export async function changeRows<T = unknown>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<{ rows: T[]; count: number }> {
  const result: unknown = await manager.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return { rows: result[0] as T[], count: result[1] };
  throw new Error('expected the rows and row count of an UPDATE or DELETE');
}
