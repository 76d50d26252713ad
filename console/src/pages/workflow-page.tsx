import { useState } from 'preact/hooks';
import type { Step, ValidationResult } from '../api/types.js';
import { getWorkflow, validateWorkflow } from '../api/workflows.js';
import { useApp } from '../app-context.js';
import { JsonFold } from '../components/json-fold.js';
import { ErrorNotice } from '../components/notice.js';
import { PageTitle } from '../components/page-title.js';
import { StatusBadge } from '../components/status-badge.js';
import { conditionLabel } from '../graph/edges.js';
import { nodeTypeOf } from '../graph/node-type.js';
import { StepGraph } from '../graph/step-graph.js';
import { useAsync } from '../hooks/use-async.js';
import type { Route } from '../router/routes.js';
import { ExecutionsSection } from './executions-section.js';

type WorkflowRoute = Extract<Route, { page: 'workflow' }>;

/** One workflow: its steps as a graph with their validation errors, then its executions. */
export function WorkflowPage({ route }: { route: WorkflowRoute }) {
  const { http } = useApp();
  const state = useAsync(async (signal) => {
    const [workflow, validation] = await Promise.all([getWorkflow(http, route.id, undefined, signal), validateWorkflow(http, route.id, signal)]);
    return { workflow, validation };
  }, [http, route.id]);
  const [selected, setSelected] = useState<string | undefined>();

  if (state.error) {
    return (
      <section>
        <PageTitle title="Workflow">Workflow</PageTitle>
        <ErrorNotice error={state.error} what="Could not load this workflow" />
        <p>
          <a href="#/workflows">Back to the workflows</a>
        </p>
      </section>
    );
  }
  if (!state.data) return <p aria-busy="true">Loading…</p>;
  const { workflow, validation } = state.data;
  const errorsByStep = new Map<string, string[]>();
  for (const e of validation.errors) if (e.stepId) errorsByStep.set(e.stepId, [...(errorsByStep.get(e.stepId) ?? []), e.message]);
  const chosen = workflow.steps.find((s) => s.stepId === selected);
  const select = (stepId: string) => {
    setSelected(stepId);
    document.querySelector<SVGGElement>(`.graph [data-step-id="${CSS.escape(stepId)}"]`)?.focus();
  };

  return (
    <section>
      <p class="crumbs">
        <a href="#/workflows">Workflows</a> /
      </p>
      <PageTitle title={workflow.name}>{workflow.name}</PageTitle>
      <p class="meta">
        <StatusBadge status={workflow.status} /> version {workflow.version}
        {workflow.latestVersion !== workflow.version ? ` (latest ${workflow.latestVersion})` : ''} · {workflow.steps.length} steps · <code>{workflow.id}</code>
      </p>
      {workflow.description ? <p>{workflow.description}</p> : null}

      <h2>Steps</h2>
      <Validation validation={validation} onSelect={select} />
      {workflow.steps.length ? <StepGraph steps={workflow.steps} errorsByStep={errorsByStep} selected={selected} onSelect={setSelected} /> : <p class="muted">No steps yet.</p>}
      {chosen ? <StepDefinition step={chosen} errors={errorsByStep.get(chosen.stepId) ?? []} onClose={() => setSelected(undefined)} /> : <p class="muted small">Select a step (click, or Tab to it and press Enter) to see its configuration.</p>}

      <ExecutionsSection route={route} />
    </section>
  );
}

function Validation({ validation, onSelect }: { validation: ValidationResult; onSelect: (stepId: string) => void }) {
  if (validation.valid) {
    return (
      <p class="valid" data-valid="true">
        ✓ Valid: every step is configured and connected.
      </p>
    );
  }
  return (
    <div class="notice notice-error" data-valid="false">
      <strong>
        {validation.errors.length} validation error{validation.errors.length === 1 ? '' : 's'}
      </strong>{' '}
      (this version cannot run until they are fixed):
      <ul class="validation-errors">
        {validation.errors.map((e, i) => (
          <li key={i}>
            {e.stepId ? (
              <button type="button" class="link" onClick={() => onSelect(e.stepId as string)}>
                {e.stepId}
              </button>
            ) : (
              <span>workflow</span>
            )}
            : {e.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function StepDefinition({ step, errors, onClose }: { step: Step; errors: string[]; onClose: () => void }) {
  return (
    <div class="card step-definition" aria-live="polite">
      <div class="card-head">
        <h3>
          {step.stepId} <span class="muted">{nodeTypeOf(step)}</span>
        </h3>
        <button type="button" class="link" onClick={onClose}>
          Close
        </button>
      </div>
      {errors.length ? (
        <ul class="field-error">
          {errors.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      ) : null}
      <dl class="pairs">
        {step.routes?.map((r, i) => (
          <div key={i}>
            <dt>when {conditionLabel(r.when)}</dt>
            <dd>→ {r.nextStepId}</dd>
          </div>
        ))}
        <div>
          <dt>{step.routes?.length ? 'otherwise' : 'next'}</dt>
          <dd>{step.nextStepId ? `→ ${step.nextStepId}` : 'the execution ends'}</dd>
        </div>
        {step.onFailureStepId ? (
          <div>
            <dt>on failure</dt>
            <dd>→ {step.onFailureStepId}</dd>
          </div>
        ) : null}
        {step.timeoutMs ? (
          <div>
            <dt>timeout</dt>
            <dd>{step.timeoutMs} ms</dd>
          </div>
        ) : null}
      </dl>
      <JsonFold label="config" value={step.config} openDepth={2} />
    </div>
  );
}
