import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metrics every service exposes; each service uses the ones that concern it. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    messagesConsumed: new Counter({
      name: 'botwot_messages_consumed_total',
      help: 'Kafka messages handled, by topic and outcome (ok, dead_lettered, ignored, duplicate)',
      labelNames: ['topic', 'outcome'],
      registers: [registry],
    }),
    consumerLag: new Gauge({
      name: 'botwot_consumer_lag',
      help: "Messages between a partition's end and its group's committed offset, measured every few seconds (it rises when a consumer is stuck)",
      labelNames: ['group', 'topic', 'partition'],
      registers: [registry],
    }),
    consumerGeneration: new Gauge({
      name: 'botwot_consumer_group_generation',
      help: "The consumer group's generation this member last joined: it moves at every rebalance",
      labelNames: ['group'],
      registers: [registry],
    }),
    admissionClosed: new Gauge({
      name: 'botwot_admission_closed',
      help: 'The orchestrator is not fetching new executions (1) because step results wait unread beyond ORCHESTRATOR_MAX_RESULTS_BACKLOG',
      labelNames: ['group'],
      registers: [registry],
    }),
    liveFeedPaused: new Gauge({
      name: 'botwot_live_feed_paused',
      help: 'This gateway replica reads no lifecycle events (1): no event stream has been open for LIVE_FEED_IDLE_MS',
      registers: [registry],
    }),
    consumerJoins: new Counter({
      name: 'botwot_consumer_group_joins_total',
      help: 'Times this member joined (or rejoined) its group',
      labelNames: ['group'],
      registers: [registry],
    }),
    consumerFetches: new Counter({
      name: 'botwot_consumer_fetches_total',
      help: 'Fetch requests this member sent to Kafka and got answered (each costs the broker a read, whether it brought one message or many)',
      labelNames: ['group'],
      registers: [registry],
    }),
    deadLetters: new Counter({
      name: 'botwot_dead_letters_total',
      help: 'Messages sent to the dead-letter topic, by source topic and cause (invalid_event, handler_failed, output_too_large)',
      labelNames: ['topic', 'cause'],
      registers: [registry],
    }),
    commitDuration: new Histogram({
      name: 'botwot_commit_duration_seconds',
      help: 'Time one commit cycle (outputs and offsets of every partition) took',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    executions: new Counter({
      name: 'botwot_executions_total',
      help: 'Executions that reached an end, by status',
      labelNames: ['status'],
      registers: [registry],
    }),
    executionDuration: new Histogram({
      name: 'botwot_execution_duration_seconds',
      help: 'End-to-end duration of an execution, from its start to its end, by the status it ended in (recorded by the log-sink when it applies the ending)',
      labelNames: ['status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600],
      registers: [registry],
    }),
    executionsOverdue: new Gauge({
      name: 'botwot_executions_overdue',
      help: "Executions still running past their deadline and grace period at the last deadline sweep (the sweeper fails them; one that stays counted is stuck)",
      registers: [registry],
    }),
    breakerCalls: new Counter({
      name: 'botwot_breaker_calls_total',
      help: "Calls through a provider's circuit breakers, by outcome: success, failure, timeout, rejected (breaker open, not sent), caller_error (a 4xx or bad config: not counted against the provider)",
      labelNames: ['provider', 'outcome'],
      registers: [registry],
    }),
    stepDuration: new Histogram({
      name: 'botwot_step_duration_seconds',
      help: 'Step duration by node type and status',
      labelNames: ['node_type', 'status'],
      buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    breakerState: new Gauge({
      name: 'botwot_breaker_open',
      help: '1 when a circuit breaker to a provider is open (for any org), 0.5 half-open, 0 closed',
      labelNames: ['provider'],
      registers: [registry],
    }),
    breakersOpen: new Gauge({
      name: 'botwot_breakers_open_orgs',
      help: 'How many orgs have their circuit breaker to a provider open',
      labelNames: ['provider'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'botwot_http_request_duration_seconds',
      help: 'Gateway HTTP latency by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
