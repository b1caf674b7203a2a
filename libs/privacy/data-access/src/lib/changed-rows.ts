import { EntityManager } from 'typeorm';

/**
 * Runs an UPDATE or DELETE and answers how many rows it changed. (TypeORM's Postgres driver answers
 * those statements with `[rows, rowCount]`, unlike SELECT and INSERT.)
 */
export async function changedRows(manager: EntityManager, sql: string, parameters: unknown[] = []): Promise<number> {
  const result: unknown = await manager.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && typeof result[1] === 'number') return result[1];
  throw new Error('expected the row count of an UPDATE or DELETE');
}
