import fs from 'node:fs';
import path from 'node:path';
import { asyncApiDocument, eventCatalog, eventJsonSchema, type EventType } from '@botwot/shared/events';
import { DLQ_HEADERS } from '@botwot/shared/kafka';
import { repoRoot } from './system.js';

/**
 * Writes the JSON Schema of every event type to docs/schemas and the AsyncAPI document of the
 * topics to docs/asyncapi.json (`npm run schemas`); unit tests keep them current.
 */
const dir = path.join(repoRoot(), 'docs', 'schemas');
fs.mkdirSync(dir, { recursive: true });
for (const type of Object.keys(eventCatalog) as EventType[]) {
  const version = eventCatalog[type].shape.version.value;
  const file = path.join(dir, `${type}.v${version}.json`);
  fs.writeFileSync(file, `${JSON.stringify(eventJsonSchema(type), null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}
const asyncapi = path.join(repoRoot(), 'docs', 'asyncapi.json');
fs.writeFileSync(asyncapi, `${JSON.stringify(asyncApiDocument({ deadLetterHeaders: DLQ_HEADERS }), null, 2)}\n`);
process.stdout.write(`wrote ${path.relative(process.cwd(), asyncapi)}\n`);
