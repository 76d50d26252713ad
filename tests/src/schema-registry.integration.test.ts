import { describe, expect, inject, it } from 'vitest';
import { createEvent } from '@botwot/shared/events';
import { registryCodec } from '@botwot/shared/kafka';

/**
 * The registry client registers a new subject and then sets its compatibility level. A process
 * killed in between leaves the subject at the registry's default level, and every later
 * registration through the client is refused on that mismatch: before the codec asked for the id
 * instead, no service could encode that event type again (seen with a crash-looping replica).
 */
describe('schema registry', () => {
  const url = inject('system').schemaRegistryUrl;

  it.skipIf(!url)('a codec still encodes when a subject was left without its compatibility level', async () => {
    const event = createEvent('trigger.received', { orgId: 'org-registry', data: { triggerType: 'whatsapp', data: { phone_number: '+1', message_text: 'hi' } } });
    const subject = `botwot.${event.type}.v${event.version}`;
    // the subject exists (first codec registers it), then is left at another level, as a killed process leaves it
    await registryCodec(url as string).encode(event);
    const put = await fetch(`${url}/config/${subject}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ compatibility: 'NONE' }) });
    expect(put.status).toBe(200);
    try {
      const bytes = await registryCodec(url as string).encode(event);
      expect(bytes[0]).toBe(0);
      expect(JSON.parse(bytes.subarray(5).toString('utf8'))).toEqual(JSON.parse(JSON.stringify(event)));
    } finally {
      await fetch(`${url}/config/${subject}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ compatibility: 'BACKWARD' }) });
    }
  });
});
