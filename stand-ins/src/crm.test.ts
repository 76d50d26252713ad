import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCrm, type CrmStandIn } from './crm.js';

let crm: CrmStandIn;
beforeAll(async () => {
  crm = await startCrm();
});
afterAll(() => crm.close());
beforeEach(() => crm.reset());

async function req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, base = crm.url) {
  const res = await fetch(base + path, {
    method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as any, headers: res.headers };
}

describe('CRM stand-in', () => {
  it('creates, reads and updates a record', async () => {
    const created = await req('POST', '/records', { object: 'lead', fields: { name: 'Ada', phone: '+1555' } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ id: 'rec_000001', object: 'lead', fields: { name: 'Ada', phone: '+1555' } });
    expect(created.headers.get('location')).toBe('/records/rec_000001');

    const got = await req('GET', '/records/rec_000001');
    expect(got.status).toBe(200);
    expect(got.json).toEqual(created.json);

    const updated = await req('PATCH', '/records/rec_000001', { fields: { status: 'qualified' } });
    expect(updated.status).toBe(200);
    expect(updated.json.fields).toEqual({ name: 'Ada', phone: '+1555', status: 'qualified' });
    expect((await req('GET', '/records/rec_000001')).json.fields.status).toBe('qualified');

    expect(crm.deliveries().map((w) => [w.op, w.id, w.fields])).toEqual([
      ['create', 'rec_000001', { name: 'Ada', phone: '+1555' }],
      ['update', 'rec_000001', { status: 'qualified' }],
    ]);
  });

  it('defaults object to "record" and lists by object', async () => {
    await req('POST', '/records', { fields: { a: 1 } });
    await req('POST', '/records', { object: 'deal', fields: { b: 2 } });
    expect((await req('GET', '/records?object=deal')).json.records.map((r: { id: string }) => r.id)).toEqual(['rec_000002']);
    expect((await req('GET', '/records')).json.records[0].object).toBe('record');
  });

  it('404 for unknown records, 400 for bad bodies', async () => {
    expect((await req('GET', '/records/rec_999')).status).toBe(404);
    expect((await req('PATCH', '/records/rec_999', { fields: { a: 1 } })).status).toBe(404);
    expect((await req('POST', '/records', { object: 'lead' })).status).toBe(400);
    expect((await req('POST', '/records', { fields: 'x' })).status).toBe(400);
    expect((await req('POST', '/records', { object: '', fields: {} })).status).toBe(400);
    await req('POST', '/records', { fields: {} });
    expect((await req('PATCH', '/records/rec_000001', {})).status).toBe(400);
    expect(crm.deliveries()).toHaveLength(1);
  });

  it('dedupes POST and PATCH on Idempotency-Key', async () => {
    const a = await req('POST', '/records', { fields: { n: 1 } }, { 'idempotency-key': 'c1' });
    const b = await req('POST', '/records', { fields: { n: 1 } }, { 'idempotency-key': 'c1' });
    expect(b.status).toBe(201);
    expect(b.json.id).toBe(a.json.id);
    await req('PATCH', `/records/${a.json.id}`, { fields: { n: 2 } }, { 'idempotency-key': 'u1' });
    await req('PATCH', `/records/${a.json.id}`, { fields: { n: 2 } }, { 'idempotency-key': 'u1' });
    expect(crm.deliveries().map((w) => w.op)).toEqual(['create', 'update']);
    expect(crm.records()).toHaveLength(1);
    const listed = await (await fetch(`${crm.url}/__admin/deliveries`)).json();
    expect(listed.deliveries).toHaveLength(2);
  });

  it('requires the bearer token when one is configured', async () => {
    const secured = await startCrm({ token: 'crm-secret' });
    try {
      expect((await req('POST', '/records', { fields: {} }, {}, secured.url)).status).toBe(401);
      expect((await req('POST', '/records', { fields: {} }, { authorization: 'Bearer wrong' }, secured.url)).status).toBe(401);
      expect((await req('POST', '/records', { fields: {} }, { authorization: 'Bearer crm-secret' }, secured.url)).status).toBe(201);
    } finally {
      await secured.close();
    }
  });

  it('knobs: failNext fails the create without recording it', async () => {
    crm.setKnobs({ failNext: 1, errorStatus: 502 });
    expect((await req('POST', '/records', { fields: { a: 1 } })).status).toBe(502);
    expect(crm.deliveries()).toEqual([]);
    expect((await req('POST', '/records', { fields: { a: 1 } })).status).toBe(201);
  });
});
