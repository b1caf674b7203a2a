import { ExportSlice } from '@sigma/shared/data-access-events';
import { stringify } from 'csv-stringify/sync';
import { strToU8, zipSync } from 'fflate';

export interface ExportManifest {
  job_id: string;
  tenant_id: string;
  user_id: string;
  format: 'json' | 'csv';
  generated_at: string;
  services: string[];
  not_held: string[];
}

/** The JSON document of an export: the manifest, then each service's tables. */
export function jsonArtifact(manifest: ExportManifest, slices: Record<string, ExportSlice>): Buffer {
  return Buffer.from(JSON.stringify({ export: manifest, data: slices }, null, 2));
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One table as CSV (RFC 4180), its columns the union of its rows' keys in first-seen order. */
export function csvOf(rows: ReadonlyArray<Record<string, unknown>>): string {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  if (columns.length === 0) return '';
  return stringify(
    rows.map((row) => columns.map((column) => cell(row[column]))),
    // A line break alone is no record delimiter here; quote it so every reader keeps it inside the field.
    { header: true, columns, record_delimiter: 'windows', quoted_match: /[\r\n]/ },
  );
}

/** A zip of `manifest.json` and `<service>/<table>.csv` for every table of every slice. */
export function csvZipArtifact(manifest: ExportManifest, slices: Record<string, ExportSlice>): Buffer {
  const files: Record<string, Uint8Array> = { 'manifest.json': strToU8(JSON.stringify(manifest, null, 2)) };
  for (const [service, slice] of Object.entries(slices)) {
    for (const [table, rows] of Object.entries(slice)) files[`${service}/${table}.csv`] = strToU8(csvOf(rows));
  }
  return Buffer.from(zipSync(files, { level: 6 }));
}
