import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventCatalog, type EventType } from './catalog.js';
import { eventJsonSchema } from './parse.js';

const dir = path.resolve(import.meta.dirname, '../../../docs/schemas');

describe('published JSON Schemas', () => {
  it.each(Object.keys(eventCatalog) as EventType[])('docs/schemas for %s matches its zod schema (run npm run schemas after a change)', (type) => {
    const file = path.join(dir, `${type}.v${eventCatalog[type].shape.version.value}.json`);
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(eventJsonSchema(type));
  });
});

describe('published AsyncAPI document', () => {
  it('docs/asyncapi.json matches the event catalog and topics (run npm run schemas after a change)', async () => {
    const { asyncApiDocument } = await import('./asyncapi.js');
    const { DLQ_HEADERS } = await import('../kafka/dead-letter.js');
    const file = path.resolve(import.meta.dirname, '../../../docs/asyncapi.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(asyncApiDocument({ deadLetterHeaders: DLQ_HEADERS }));
  });
});
