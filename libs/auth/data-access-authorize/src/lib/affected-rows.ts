import { EntityManager } from 'typeorm';

/** Runs an UPDATE or DELETE and answers how many rows it changed (TypeORM answers those with `[rows, rowCount]`). */
export async function changeRows(manager: EntityManager, sql: string, parameters: unknown[]): Promise<number> {
  const result: unknown = await manager.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && typeof result[1] === 'number') return result[1];
  throw new Error('expected the row count of an UPDATE or DELETE');
}

/** The rows an `UPDATE ... RETURNING` answered. */
export async function updatedRows<T>(manager: EntityManager, sql: string, parameters: unknown[]): Promise<T[]> {
  const result: unknown = await manager.query(sql, parameters);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0])) return result[0] as T[];
  throw new Error('expected the rows of an UPDATE ... RETURNING');
}
