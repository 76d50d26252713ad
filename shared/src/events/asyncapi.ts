import { eventCatalog, type EventType } from './catalog.js';
import { eventJsonSchema } from './parse.js';
import { TOPIC_EVENTS, TOPICS, type TopicName } from './topics.js';

/** Who writes and reads each topic, and what its messages are keyed by. A new topic does not compile without its entry. */
const TOPIC_ROLES: Record<TopicName, { key: string; producers: string[]; consumers: string[]; description: string }> = {
  'workflow.execution.requested': {
    key: 'executionId',
    producers: ['gateway', 'orchestrator'],
    consumers: ['orchestrator'],
    description: 'Requests to run a workflow version (execute, test, retry, and each workflow a trigger event matches) and to cancel a running execution.',
  },
  'workflow.trigger.events': {
    key: 'orgId',
    producers: ['ingestion producers'],
    consumers: ['orchestrator'],
    description: "Things that happened outside (a WhatsApp message, an email, a call) that start every active workflow of the org whose trigger matches. The external producers' contract.",
  },
  'workflow.step.agent': { key: 'executionId', producers: ['orchestrator'], consumers: ['agent-runner'], description: 'Commands to run one agent step.' },
  'workflow.step.action': { key: 'executionId', producers: ['orchestrator'], consumers: ['action-runner'], description: 'Commands to run one action step.' },
  'workflow.step.utility': { key: 'executionId', producers: ['orchestrator'], consumers: ['utility-runner'], description: 'Commands to run one utility step.' },
  'workflow.step.results': { key: 'executionId', producers: ['agent-runner', 'action-runner', 'utility-runner'], consumers: ['orchestrator'], description: 'What a runner answers for a step: completed with its output, or failed with a typed error.' },
  'workflow.execution.events': {
    key: 'workflowId',
    producers: ['orchestrator', 'log-sink (deadline sweeper)'],
    consumers: ['log-sink', 'gateway (live streams: a group per replica, never committing)'],
    description: "An execution's lifecycle: started, each step recorded, and its end. Keyed by workflow, so one log-sink member numbers a workflow's executions in order.",
  },
  'workflow.dead-letter': {
    key: 'the original key',
    producers: ['every consumer'],
    consumers: ['operators (npm run dlq)', 'gateway (GET /workFlow/dead-letters)'],
    description: 'Messages a consumer could not handle: the original key, value and headers, with why and where from in the dlq-* headers.',
  },
};

const channelId = (topic: string) => topic.replace(/^workflow\./, '').replace(/[^A-Za-z0-9]+/g, '_');
const messageId = (type: string) => type.replace(/[^A-Za-z0-9]+/g, '_');

/**
 * The AsyncAPI 3.0 document of the engine's topics, generated from the event catalog: a channel per
 * topic with the messages it carries (their payloads are the JSON Schemas of docs/schemas), the
 * Kafka key of each topic, and who sends and who receives. `npm run schemas` writes it to
 * docs/asyncapi.json; a unit test keeps the file current.
 */
export function asyncApiDocument(opts: { deadLetterHeaders: Record<string, string> }): Record<string, unknown> {
  const types = Object.keys(eventCatalog) as EventType[];
  const messages = Object.fromEntries(
    types.map((type) => [
      messageId(type),
      {
        name: type,
        title: type,
        contentType: 'application/json',
        summary: `${type}, version ${eventCatalog[type].shape.version.value}`,
        description: 'Plain JSON, or the Confluent wire format (magic byte 0 and a 4-byte schema id before the JSON) when the engine runs with a schema registry; consumers accept both.',
        headers: { type: 'object', properties: { 'event-type': { type: 'string', const: type, description: 'set by the engine; producers outside it may leave it out' } } },
        payload: eventJsonSchema(type),
      },
    ]),
  );
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const topic of Object.values(TOPICS)) {
    const role = TOPIC_ROLES[topic];
    const carried: readonly string[] = topic === TOPICS.deadLetter ? types : (TOPIC_EVENTS[topic as keyof typeof TOPIC_EVENTS] ?? []);
    const id = channelId(topic);
    channels[id] = {
      address: topic,
      description: `${role.description} Key: ${role.key}.`,
      messages: Object.fromEntries(carried.map((type) => [messageId(type), { $ref: `#/components/messages/${messageId(type)}` }])),
      bindings: { kafka: { bindingVersion: '0.5.0', topic } },
    };
    const refs = carried.map((type) => ({ $ref: `#/channels/${id}/messages/${messageId(type)}` }));
    operations[`send_${id}`] = { action: 'send', channel: { $ref: `#/channels/${id}` }, summary: `written by ${role.producers.join(', ')}`, messages: refs, bindings: { kafka: { bindingVersion: '0.5.0', ...(role.key.startsWith('the') ? {} : { key: { type: 'string', description: role.key } }) } } };
    operations[`receive_${id}`] = { action: 'receive', channel: { $ref: `#/channels/${id}` }, summary: `read by ${role.consumers.join(', ')}`, messages: refs };
  }
  const dlq = channels[channelId(TOPICS.deadLetter)] as Record<string, unknown>;
  dlq.description = `${String(dlq.description)} Headers: ${Object.values(opts.deadLetterHeaders).join(', ')}; a replayed message carries dlq-replayed-from.`;
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'BotWot workflow execution engine: Kafka topics',
      version: '1.0.0',
      description: 'Every event is one zod schema in shared/src/events/catalog.ts, inside a versioned envelope { eventId, type, version, occurredAt, orgId, executionId?, data }. A message that cannot be decoded or validated goes to workflow.dead-letter.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
}
