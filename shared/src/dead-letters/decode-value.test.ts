import { describe, expect, it } from 'vitest';
import { decodeValue, hintsOf } from './decode-value.js';
import { requested } from './dead-letters.fixture.js';

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const framed = (schemaId: number, v: unknown) => {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, json(v)]);
};
const onRequests = { sourceTopic: 'workflow.execution.requested', wireFormat: true };

describe('decoding a dead letter value', () => {
  it('reads a valid event in plain JSON', () => {
    const decoded = decodeValue(json(requested('e1')), onRequests);
    expect(decoded).toMatchObject({ kind: 'event', format: { kind: 'json' }, event: { type: 'execution.requested', executionId: 'e1' } });
    expect(decoded.hints).toEqual({ type: 'execution.requested', orgId: 'org-a', executionId: 'e1', eventId: 'e1:requested' });
  });

  it('reads the Confluent wire format and keeps its schema id', () => {
    expect(decodeValue(framed(17, requested()), onRequests)).toMatchObject({ kind: 'event', format: { kind: 'confluent', schemaId: 17 } });
  });

  it('calls the wire format poison when the engine reads plain JSON only', () => {
    expect(decodeValue(framed(17, requested()), { ...onRequests, wireFormat: false })).toMatchObject({ kind: 'poison', problem: expect.stringMatching(/^undecodable: Confluent wire format/) });
  });

  it.each([
    ['no bytes', Buffer.alloc(0), /^empty message$/],
    ['bytes that are not JSON', Buffer.from('{this is not json'), /^undecodable: /],
    ['JSON that is no envelope', json({ hello: 'world' }), /^not an event envelope/],
    ['an unknown event type', json({ ...requested(), type: 'execution.exploded' }), /^unknown event type "execution.exploded"/],
    ['an event that fails its schema', json({ ...requested(), data: { workflowId: 42 } }), /^invalid "execution.requested"/],
  ])('calls %s poison, as the consumers would', (_name, value, problem) => {
    const decoded = decodeValue(value, onRequests);
    expect(decoded.kind).toBe('poison');
    expect(decoded.kind === 'poison' && decoded.problem).toMatch(problem);
  });

  it('calls a valid event poison on a topic that does not carry its type', () => {
    expect(decodeValue(json(requested()), { sourceTopic: 'workflow.step.action', wireFormat: true })).toMatchObject({
      kind: 'poison',
      problem: 'event type "execution.requested" does not belong on workflow.step.action',
    });
  });

  it('keeps the ids an invalid event carries, for list and --org', () => {
    const decoded = decodeValue(json({ ...requested('e9', 'org-z'), data: {} }), onRequests);
    expect(decoded).toMatchObject({ kind: 'poison', hints: { orgId: 'org-z', executionId: 'e9', type: 'execution.requested' } });
  });

  it('finds the step id of commands and of results', () => {
    expect(hintsOf({ data: { step: { stepId: 'a' } } })).toEqual({ stepId: 'a' });
    expect(hintsOf({ data: { stepId: 'b' } })).toEqual({ stepId: 'b' });
    expect(hintsOf([1, 2])).toEqual({});
    expect(hintsOf({ orgId: 42, type: '' })).toEqual({});
  });
});
