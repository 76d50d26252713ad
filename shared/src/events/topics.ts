import type { EventType, RunnerCategory } from './index.js';

/** Every Kafka topic, with the event types it carries. Keys are executionId except for triggers (orgId). */
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
export const TOPIC_EVENTS: Record<Exclude<TopicName, 'workflow.dead-letter'>, readonly EventType[]> = {
  'workflow.execution.requested': ['execution.requested'],
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
  ],
};

/** The topic that carries step commands for one runner category. */
export function commandTopic(category: RunnerCategory): TopicName {
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
