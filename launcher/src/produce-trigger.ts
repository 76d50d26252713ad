import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { brokerList } from '@botwot/shared/config';
import { createEvent, TOPICS, TRIGGER_TYPES, type TriggerType } from '@botwot/shared/events';
import { createKafka, createPublisher, jsonCodec } from '@botwot/shared/kafka';
import { createLogger } from '@botwot/shared/observability';

/**
 * An example ingestion producer: publishes one trigger event the way a WhatsApp webhook receiver,
 * an email poller or the voice service would.
 *
 *   npm run produce-trigger -- --org org-dev --type whatsapp --data '{"phone_number":"+919876543210","message_text":"Hi"}'
 */
const { values } = parseArgs({
  options: {
    org: { type: 'string', default: 'org-dev' },
    type: { type: 'string', default: 'whatsapp' },
    data: { type: 'string', default: '{"phone_number":"+919876543210","message_text":"Hello from the example producer"}' },
    'event-id': { type: 'string' },
    channel: { type: 'string' },
    brokers: { type: 'string', default: process.env.KAFKA_BROKERS ?? '127.0.0.1:19092' },
  },
});
if (!TRIGGER_TYPES.includes(values.type as TriggerType)) throw new Error(`--type must be one of ${TRIGGER_TYPES.join(', ')}`);

const event = createEvent('trigger.received', {
  orgId: values.org,
  // the producer's own id for what happened (e.g. the WhatsApp message id): the same id never starts a workflow twice
  eventId: values['event-id'] ?? randomUUID(),
  data: { triggerType: values.type as TriggerType, data: JSON.parse(values.data) as Record<string, unknown>, ...(values.channel ? { channelId: values.channel } : {}) },
});
const kafka = createKafka({ brokers: brokerList(values.brokers), clientId: 'example-trigger-producer', logger: createLogger('example-producer', 'warn') });
const publisher = await createPublisher(kafka, jsonCodec());
await publisher.publish([{ topic: TOPICS.triggerEvents, key: event.orgId, event }]);
await publisher.close();
process.stdout.write(`published ${event.type} ${event.eventId} for org ${event.orgId} to ${TOPICS.triggerEvents}\n`);
