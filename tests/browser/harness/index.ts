/**
 * One call for browser tests: build (or reuse) the bundle and start the harness server.
 *
 *   const harness = await startHarness({ grafanaUrl: fakeServer.url });
 *   await page.goto(harness.pageUrl('tenants'));
 */
import { buildHarnessBundle } from './build';
import { startHarnessServer, type HarnessServer, type HarnessServerOptions } from './server';

export type { HarnessServer, HarnessServerOptions } from './server';
export type { HarnessPage, HarnessContext } from './types';
export { buildHarnessBundle } from './build';

export async function startHarness(options: Omit<HarnessServerOptions, 'bundleDir'> = {}): Promise<HarnessServer> {
  const bundle = await buildHarnessBundle();
  return startHarnessServer({ ...options, bundleDir: bundle.dir });
}
