import type { EventType, RunnerCategory } from './index.js';

/**
 * Every Kafka topic, with the event types it carries. Keys: executionId for requests, commands and
 * results; workflowId for lifecycle events (execution.events); orgId for trigger events.
 */
export const TOPICS = {
  executionRequested: 'workflow.execution.requested',
  triggerEvents: 'workflow.trigger.events',
  agentCommands: 'workflow.step.agent',
  actionCommands: 'workflow.step.action',
  utilityCommands: 'workflow.step.utility',
  stepResults: 'workflow.step.results',
  executionEvents: 'workflow.execution.events',
  deadLetter: 'workflow.dead-letter',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

/** Which event types may appear on which topic; consumers reject the rest to the dead-letter topic. */
export const TOPIC_EVENTS = {
  'workflow.execution.requested': ['execution.requested', 'execution.cancel_requested'],
  'workflow.trigger.events': ['trigger.received'],
  'workflow.step.agent': ['step.command'],
  'workflow.step.action': ['step.command'],
  'workflow.step.utility': ['step.command'],
  'workflow.step.results': ['step.completed', 'step.failed'],
  'workflow.execution.events': [
    'execution.started',
    'step.recorded',
    'execution.completed',
    'execution.failed',
    'execution.cancelled',
  ],
} as const satisfies Record<Exclude<TopicName, 'workflow.dead-letter'>, readonly EventType[]>;

/** A topic some consumer reads (every topic but the dead-letter one). */
export type ConsumedTopic = keyof typeof TOPIC_EVENTS;
/** The event types that may arrive on the given topics. */
export type EventsOn<T extends ConsumedTopic> = (typeof TOPIC_EVENTS)[T][number];

/** A topic that carries step commands. */
export type CommandTopic = (typeof TOPICS)['agentCommands' | 'actionCommands' | 'utilityCommands'];

/** The topic that carries step commands for one runner category. */
export function commandTopic(category: RunnerCategory): CommandTopic {
  switch (category) {
    case 'agent':
      return TOPICS.agentCommands;
    case 'action':
      return TOPICS.actionCommands;
    case 'utility':
      return TOPICS.utilityCommands;
    default: {
      const never: never = category;
      throw new Error(`no command topic for ${String(never)}`);
    }
  }
}
