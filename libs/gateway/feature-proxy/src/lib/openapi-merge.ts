type Document = Record<string, unknown>;

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * One OpenAPI document for the whole public API: the paths and component schemas of every
 * service's document, under the gateway's info. Internal paths are left out. When two services
 * define a schema of the same name, the first keeps it.
 */
export function mergeOpenApi(base: Document, parts: Document[], missing: string[]): Document {
  const paths: Record<string, unknown> = { ...record(base['paths']) };
  const schemas: Record<string, unknown> = { ...record(record(base['components'])['schemas']) };
  const tags = new Map<string, unknown>();
  for (const tag of [base, ...parts].flatMap((d) => (Array.isArray(d['tags']) ? (d['tags'] as Array<{ name: string }>) : []))) {
    if (!tags.has(tag.name)) tags.set(tag.name, tag);
  }
  for (const part of parts) {
    for (const [path, item] of Object.entries(record(part['paths']))) {
      if (!path.startsWith('/internal')) paths[path] = { ...record(paths[path]), ...record(item) };
    }
    for (const [name, schema] of Object.entries(record(record(part['components'])['schemas']))) {
      if (!(name in schemas)) schemas[name] = schema;
    }
  }
  const info = record(base['info']);
  const note = missing.length > 0 ? `\n\nNot included (service unavailable): ${missing.join(', ')}.` : '';
  return {
    ...base,
    info: { ...info, description: `${String(info['description'] ?? '')}${note}` },
    tags: [...tags.values()],
    paths,
    components: { ...record(base['components']), schemas },
  };
}
