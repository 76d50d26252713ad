/**
 * Names the schema behind a Confluent wire-format id by asking the registry (`GET /schemas/ids/{id}`)
 * and reading the event type and version the JSON Schema pins. Best effort: `show` prints what it
 * gets, or why it got nothing.
 */
export async function schemaName(registryUrl: string, schemaId: number, timeoutMs = 2_000): Promise<string> {
  try {
    const res = await fetch(`${registryUrl.replace(/\/+$/, '')}/schemas/ids/${schemaId}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return `not found in the registry (HTTP ${res.status})`;
    const body = (await res.json()) as { schema?: unknown };
    const schema = typeof body.schema === 'string' ? (JSON.parse(body.schema) as { properties?: Record<string, { const?: unknown }> }) : undefined;
    const type = schema?.properties?.type?.const;
    const version = schema?.properties?.version?.const;
    return typeof type === 'string' ? `${type} v${String(version ?? '?')}` : 'registered, of no known event type';
  } catch (error) {
    return `registry not reachable: ${(error as Error).message}`;
  }
}
