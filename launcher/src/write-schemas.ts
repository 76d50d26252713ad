import fs from 'node:fs';
import path from 'node:path';
import { eventCatalog, eventJsonSchema, type EventType } from '@botwot/shared/events';
import { repoRoot } from './system.js';

/** Writes the JSON Schema of every event type to docs/schemas (`npm run schemas`); a unit test keeps them current. */
const dir = path.join(repoRoot(), 'docs', 'schemas');
fs.mkdirSync(dir, { recursive: true });
for (const type of Object.keys(eventCatalog) as EventType[]) {
  const version = eventCatalog[type].shape.version.value;
  const file = path.join(dir, `${type}.v${version}.json`);
  fs.writeFileSync(file, `${JSON.stringify(eventJsonSchema(type), null, 2)}\n`);
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}
