/**
 * Debian's Chromium driven by playwright-core, one fresh profile per session. Uncaught page errors
 * are collected and fail the test (`open`, `screenshot`, `assertHealthy` and `close` throw);
 * console errors are collected for the failure message. Screenshots go to
 * tests/artifacts/screenshots/<name>.png (ignored by git).
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'fs';
import os from 'os';
import path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', 'artifacts', 'screenshots');
export const CATALOG_SCREENSHOT_DIR = path.resolve(__dirname, '..', '..', '..', 'src', 'img', 'screenshots');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  consoleErrors: string[];
  pageErrors: Error[];
  /** Navigates and waits until the harness has rendered (no fixed sleeps). */
  open(url: string, timeoutMs?: number): Promise<void>;
  /** Full-page screenshot to tests/artifacts/screenshots/<name>.png; returns the path. */
  screenshot(name: string): Promise<string>;
  /**
   * A viewport-sized screenshot for the plugin catalog (plugin.json `info.screenshots`): written to
   * tests/artifacts/screenshots/catalog-<name>.png, and to src/img/screenshots/<name>.png when
   * UPDATE_CATALOG_SCREENSHOTS=1, so the catalog always shows what the tests rendered.
   */
  catalogScreenshot(name: string): Promise<string>;
  /** Throws if the page raised an uncaught error since the session started. */
  assertHealthy(): void;
  close(): Promise<void>;
}

export async function launchBrowser(
  options: { viewport?: { width: number; height: number } } = {}
): Promise<BrowserSession> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'tenancy-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: options.viewport ?? { width: 1280, height: 900 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(
      `Could not start Chromium at ${CHROMIUM_PATH} (install the Debian package "chromium" or set CHROMIUM_PATH): ${String(error)}`
    );
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors: string[] = [];
  const pageErrors: Error[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      consoleErrors.push(msg.text());
    }
  });
  page.on('pageerror', (error) => pageErrors.push(error));

  const assertHealthy = () => {
    if (pageErrors.length > 0) {
      const details = pageErrors
        .map((e) => `  ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 4).join('\n')}`)
        .join('\n');
      const console = consoleErrors.length ? `\nconsole errors:\n  ${consoleErrors.slice(-5).join('\n  ')}` : '';
      throw new Error(`The page raised ${pageErrors.length} uncaught error(s):\n${details}${console}`);
    }
  };

  return {
    context,
    page,
    consoleErrors,
    pageErrors,
    assertHealthy,
    async open(url, timeoutMs = 30_000) {
      await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
      await page.waitForSelector('body[data-harness-ready="true"]', { timeout: timeoutMs }).catch((error: Error) => {
        assertHealthy();
        throw new Error(
          `${url} did not render within ${timeoutMs} ms: ${error.message}; console errors: ${consoleErrors.join(' | ')}`
        );
      });
      // Flush one macrotask in the page: errors rethrown from setTimeout during the first render
      // are reported (CDP events arrive in order) before the page is declared healthy.
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
      assertHealthy();
    },
    async screenshot(name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      assertHealthy();
      return file;
    },
    async catalogScreenshot(name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `catalog-${name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      if (process.env.UPDATE_CATALOG_SCREENSHOTS === '1') {
        mkdirSync(CATALOG_SCREENSHOT_DIR, { recursive: true });
        copyFileSync(file, path.join(CATALOG_SCREENSHOT_DIR, `${name}.png`));
      }
      assertHealthy();
      return file;
    },
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
      assertHealthy();
    },
  };
}
