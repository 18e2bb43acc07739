import type { LogRecord } from '../log';
import type { ProxyOptions } from '../options';
import type { Proxy } from '../server';
import { startFakeUpstream, type FakeUpstream } from './fakeUpstream';
import { startTestProxy, testProxyOptions, type StartedProxy } from './proxyHarness';

/** The test proxy of a suite and the fake upstream behind it; read inside tests, not at load. */
export interface SuiteProxy {
  readonly upstream: FakeUpstream;
  readonly proxy: Proxy;
  readonly url: string;
  readonly logs: LogRecord[];
}

/**
 * Starts a fake upstream and a test proxy in front of it for the enclosing describe block (or
 * file): beforeAll starts both, afterAll always closes both, beforeEach clears what the upstream
 * recorded. `overrides` go to testProxyOptions.
 */
export function proxyOverFakeUpstream(overrides: Partial<ProxyOptions> = {}): SuiteProxy {
  let upstream: FakeUpstream | undefined;
  let started: StartedProxy | undefined;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
    started = await startTestProxy(testProxyOptions(upstream.url, overrides));
  });
  afterAll(async () => {
    await started?.proxy.close();
    await upstream?.stop();
  });
  beforeEach(() => upstream?.reset());
  const running = (): { upstream: FakeUpstream; started: StartedProxy } => {
    if (upstream === undefined || started === undefined) {
      throw new Error('proxyOverFakeUpstream: the proxy is not running; see the beforeAll failure above');
    }
    return { upstream, started };
  };
  return {
    get upstream() {
      return running().upstream;
    },
    get proxy() {
      return running().started.proxy;
    },
    get url() {
      return running().started.url;
    },
    get logs() {
      return running().started.logs;
    },
  };
}
