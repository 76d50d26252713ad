/**
 * Generic REST CRM stand-in:
 *   POST  /records       { object?, fields }  → 201 record
 *   PATCH /records/:id   { fields }           → 200 record (fields merged), 404 when unknown
 *   GET   /records/:id                        → 200 record / 404
 *   GET   /records?object=lead                → 200 { records }
 * Optional bearer token; Idempotency-Key dedupe on POST and PATCH.
 */
import {
  apiError, bearerToken, header, IdempotencyStore, isObject, startHttpStandIn,
  type StandIn, type StandInRequest, type StandInResponse,
} from './http.js';

export interface CrmRecord {
  id: string;
  object: string;
  fields: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface CrmRecordWrite {
  op: 'create' | 'update';
  id: string;
  object: string;
  /** Fields sent in this write. */
  fields: Record<string, unknown>;
  idempotencyKey?: string;
  at: string;
}

export interface CrmOptions {
  port?: number;
  host?: string;
  /** When set, requests need `Authorization: Bearer <token>`. */
  token?: string;
}

export type CrmStandIn = StandIn & { deliveries(): CrmRecordWrite[]; records(): CrmRecord[] };

const ONE = /^\/records\/([^/]+)\/?$/;

export async function startCrm(opts: CrmOptions = {}): Promise<CrmStandIn> {
  let records = new Map<string, CrmRecord>();
  let writes: CrmRecordWrite[] = [];
  let counter = 0;
  const idem = new IdempotencyStore();

  const record = (req: StandInRequest, w: Omit<CrmRecordWrite, 'at' | 'idempotencyKey'>): void => {
    const key = header(req, 'idempotency-key');
    writes.push({ ...structuredClone(w), at: new Date().toISOString(), ...(key ? { idempotencyKey: key } : {}) });
  };

  const fieldsOf = (body: unknown): { fields: Record<string, unknown> } | { error: StandInResponse } => {
    const bad = (msg: string) => ({ error: apiError(400, msg, 'InvalidRequest', 100) });
    if (!isObject(body)) return bad('Request body must be a JSON object');
    if (!isObject(body.fields)) return bad("'fields' is required and must be an object");
    if (body.object !== undefined && (typeof body.object !== 'string' || body.object.trim() === '')) {
      return bad("'object' must be a non-empty string");
    }
    return { fields: body.fields };
  };

  const handler = (req: StandInRequest): StandInResponse => {
    if (opts.token !== undefined && bearerToken(req) !== opts.token) {
      return apiError(401, 'Missing or invalid bearer token', 'Unauthorized');
    }
    const one = ONE.exec(req.path)?.[1];
    const isCollection = req.path === '/records' || req.path === '/records/';

    if (isCollection && req.method === 'POST') {
      const parsed = fieldsOf(req.body);
      if ('error' in parsed) return parsed.error;
      const { fields } = parsed;
      const object = ((req.body as { object?: string }).object ?? 'record').trim();
      return idem.run(req, () => {
        counter += 1;
        const now = new Date().toISOString();
        const rec: CrmRecord = { id: `rec_${String(counter).padStart(6, '0')}`, object, fields: structuredClone(fields), createdAt: now, updatedAt: now };
        records.set(rec.id, rec);
        record(req, { op: 'create', id: rec.id, object, fields });
        return { status: 201, body: structuredClone(rec), headers: { location: `/records/${rec.id}` } };
      });
    }
    if (isCollection && req.method === 'GET') {
      const object = req.query.get('object');
      const list = [...records.values()].filter((r) => object === null || r.object === object);
      return { status: 200, body: { records: structuredClone(list) } };
    }
    if (one !== undefined && (req.method === 'GET' || req.method === 'PATCH')) {
      const id = decodeURIComponent(one);
      const existing = records.get(id);
      if (!existing) return apiError(404, `Record '${id}' not found`, 'NotFound');
      if (req.method === 'GET') return { status: 200, body: structuredClone(existing) };
      const parsed = fieldsOf(req.body);
      if ('error' in parsed) return parsed.error;
      const { fields } = parsed;
      return idem.run(req, () => {
        existing.fields = { ...existing.fields, ...structuredClone(fields) };
        existing.updatedAt = new Date().toISOString();
        record(req, { op: 'update', id, object: existing.object, fields });
        return { status: 200, body: structuredClone(existing) };
      });
    }
    return apiError(404, `No route ${req.method} ${req.path}`, 'NotFound');
  };

  const base = await startHttpStandIn({
    name: 'crm',
    ...opts,
    handler,
    deliveries: () => structuredClone(writes),
    onReset: () => {
      records = new Map();
      writes = [];
      counter = 0;
      idem.clear();
    },
  });
  return { ...base, deliveries: () => structuredClone(writes), records: () => structuredClone([...records.values()]) };
}
