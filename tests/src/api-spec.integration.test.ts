import { existsSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM, launchBrowser, screenshot, type TestBrowser } from './browser.js';
import { createSpecCheck } from './spec-check.js';

/**
 * The OpenAPI document the gateway serves, and the docs page built on it: the document is valid
 * OpenAPI 3.1, the answers check catches an answer that does not match, and /docs renders in a
 * real headless Chromium without a console error.
 */

const system = inject('system');
let doc: any;

beforeAll(async () => {
  const res = await fetch(`${system.gatewayUrl}/openapi.json`);
  expect(res.status).toBe(200);
  expect(res.headers.get('x-request-id')).toBeTruthy();
  doc = await res.json();
});

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document with the bearer scheme, the error shape and every route of the issue', async () => {
    const result = await new Validator().validate(doc);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Error.properties.error.required).toEqual(['code', 'message']);
    for (const [path, method] of [
      ['/workFlow/execution/{executionId}/stream', 'get'],
      ['/workFlow/{id}/executions/stream', 'get'],
      ['/workFlow/{id}/executions/retry', 'post'],
      ['/workFlow/execution/{executionId}/cancel', 'post'],
      ['/workFlow/dead-letters', 'get'],
      ['/workFlow/dead-letters/replay', 'post'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(Object.keys(doc.paths['/workFlow/execution/{executionId}/stream'].get.responses[200].content)).toEqual(['text/event-stream']);
  });

  it('answers checked against it fail when they do not match (the check every API test runs)', () => {
    const check = createSpecCheck(doc);
    const url = (p: string) => `${system.gatewayUrl}${p}`;
    expect(check('GET', url('/workFlow'), 200, 'application/json', { success: true, workflows: [], total: 0, page: 1, limit: 20, pages: 0 })).toBeUndefined();
    expect(check('GET', url('/workFlow'), 200, 'application/json', { success: true, workflows: 'none' })).toMatch(/does not match the schema/);
    expect(check('GET', url('/workFlow'), 418, 'application/json', {})).toMatch(/does not declare/);
    expect(check('GET', url('/nowhere'), 404, 'application/json', {})).toMatch(/not in the OpenAPI document/);
    // the most specific path wins: dead-letters is not a workflow id
    expect(check('GET', url('/workFlow/dead-letters'), 200, 'application/json', { success: true, deadLetters: [], matched: 0, unfinished: [] })).toBeUndefined();
  });
});

describe('/docs', () => {
  let browser: TestBrowser;
  beforeAll(async () => {
    expect(existsSync(CHROMIUM), 'Debian chromium (npm test installs it)').toBe(true);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('renders every operation of the document in headless Chromium, with no console error, from the gateway alone', async () => {
    const page = await browser.newPage();
    const requested = new Set<string>();
    page.on('request', (request) => requested.add(new URL(request.url()).origin));
    const res = await page.goto(`${system.gatewayUrl}/docs`, { waitUntil: 'load' });
    expect(res?.status()).toBe(200);
    await page.locator('.swagger-ui .info .title').filter({ hasText: doc.info.title }).waitFor();
    const operations = Object.values(doc.paths).reduce((n: number, item: any) => n + Object.keys(item).length, 0);
    await page.waitForFunction((n) => document.querySelectorAll('.opblock').length === n, operations);
    const file = await screenshot(page, 'docs');
    expect(existsSync(file)).toBe(true);
    expect(browser.errors).toEqual([]);
    expect([...requested]).toEqual([new URL(system.gatewayUrl).origin]);
  });
});
