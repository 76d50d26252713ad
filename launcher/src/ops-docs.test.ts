import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createMetrics } from '@botwot/shared/observability';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The operator's side of the metrics: the README's table, the alert rules and the Grafana
// dashboard must name metrics that exist, and each alert must have its panel.

const repo = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(repo, file), 'utf8');
const defined = new Set(
  createMetrics('ops-docs-test')
    .registry.getMetricsAsArray()
    .map((m) => m.name)
    .filter((n) => n.startsWith('botwot_')),
);
/** botwot_* names an expression uses, histogram suffixes taken off. */
const used = (text: string) => new Set([...text.matchAll(/\bbotwot_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')));

interface Rule {
  alert: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = (parse(read('ops/prometheus/alerts.yml')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(read('ops/grafana/dashboards/botwot-engine.json')) as { panels: { title: string; targets?: { expr: string }[] }[] };

describe('metrics, alerts and panels', () => {
  it('the README lists every botwot_ metric the services define, and no other', () => {
    const readme = read('README.md');
    const section = readme.slice(readme.indexOf('\n## Observability\n'));
    const listed = new Set([...section.matchAll(/^\| `(botwot_[a-z_]+)` \|/gm)].map((m) => m[1] as string));
    expect([...listed].sort()).toEqual([...defined].sort());
  });

  it('every alert rule uses defined metrics, says how bad (severity) and what to do (summary, description)', () => {
    expect(rules.length).toBeGreaterThanOrEqual(5);
    for (const rule of rules) {
      for (const name of used(rule.expr)) expect(defined, `${rule.alert}: ${name}`).toContain(name);
      expect(rule.labels?.severity, rule.alert).toMatch(/^(warning|critical)$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
    }
    // the five concerns each have a rule
    for (const metric of ['botwot_consumer_lag', 'botwot_dead_letters_total', 'botwot_breaker_open', 'botwot_executions_total', 'botwot_executions_overdue']) {
      expect(rules.some((r) => used(r.expr).has(metric)), metric).toBe(true);
    }
  });

  it('the dashboard has a panel for each alert and plots only defined metrics', () => {
    for (const rule of rules) expect(dashboard.panels.some((p) => p.title.includes(rule.alert)), rule.alert).toBe(true);
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) for (const name of used(target.expr)) expect(defined, `${panel.title}: ${name}`).toContain(name);
    }
  });
});

/** Debian's `prometheus` package carries promtool; `npm test` installs it when it can (scripts/bootstrap.mjs). */
const PROMTOOL = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';

describe.skipIf(!fs.existsSync(PROMTOOL))('alert rules under promtool', () => {
  const promtool = (...args: string[]) => spawnSync(PROMTOOL, args, { cwd: repo, encoding: 'utf8' });

  it('finds every rule valid', () => {
    const run = promtool('check', 'rules', 'ops/prometheus/alerts.yml');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it('passes the rules test suite: each alert fires on its series and stays quiet on a harmless one', () => {
    const run = promtool('test', 'rules', 'ops/prometheus/alerts.test.yml');
    expect(run.status, run.stdout + run.stderr).toBe(0);
  });
});
