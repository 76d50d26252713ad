import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot } from '@botwot/launcher';

/** Debian's Chromium; `npm test` installs it when missing (scripts/bootstrap.mjs). Nothing is downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A headless Chromium with a fresh profile (deleted on close), and what its pages logged as errors. */
export interface TestBrowser {
  context: BrowserContext;
  /** a new tab, at `viewport` when given; its console errors, uncaught exceptions and failed requests land in `errors` */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
  /** "<url>: <what>", for every page of the browser */
  errors: string[];
  close(): Promise<void>;
}

/** Starts Debian's Chromium through playwright-core: headless, 1280×800, en-GB, UTC, a fresh user-data-dir. */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (npm test does it when it can)`);
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'botwot-chromium-'));
  // launchPersistentContext is how playwright takes a user-data-dir (it refuses one in args)
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport: { width: 1280, height: 800 }, locale: 'en-GB', timezoneId: 'UTC' });
  const errors: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${page.url()}: uncaught ${e.message}`));
    page.on('requestfailed', (r) => {
      // a stream the page closes itself (leaving, or switching what it watches) is not a failure
      if (r.failure()?.errorText !== 'net::ERR_ABORTED') errors.push(`${page.url()}: request failed ${r.url()} (${r.failure()?.errorText ?? 'unknown'})`);
    });
  };
  context.pages().forEach(watch);
  context.on('page', watch);
  return {
    context,
    errors,
    async newPage(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page PNG under .local/screenshots/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(repoRoot(), '.local', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
