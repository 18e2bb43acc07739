import type { LogRecord } from '../log';
import type { ProxyOptions } from '../options';
import type { Proxy } from '../server';
import { startFakeUpstream, type FakeUpstream } from './fakeUpstream';
import { startTestProxy, testProxyOptions, type StartedProxy } from './proxyHarness';

/** A running upstream stand-in: where the proxy sends requests, and how to stop it. */
export interface TestUpstream {
  url: string;
  stop(): Promise<void>;
}

/** A suite's upstream and the test proxy in front of it; read inside tests, not at load. */
export interface SuiteServers<U extends TestUpstream> {
  readonly upstream: U;
  readonly started: StartedProxy;
}

/**
 * Starts an upstream and a test proxy in front of it for the enclosing describe block (or file):
 * beforeAll starts both, afterAll always closes both. `overrides` go to testProxyOptions; `name`
 * names the helper in the error a test gets when beforeAll failed.
 */
export function proxyOverUpstream<U extends TestUpstream>(
  name: string,
  startUpstream: () => Promise<U>,
  overrides: Partial<ProxyOptions> = {}
): SuiteServers<U> {
  let upstream: U | undefined;
  let started: StartedProxy | undefined;
  beforeAll(async () => {
    upstream = await startUpstream();
    started = await startTestProxy(testProxyOptions(upstream.url, overrides));
  });
  afterAll(async () => {
    await started?.proxy.close();
    await upstream?.stop();
  });
  const running = (): { upstream: U; started: StartedProxy } => {
    if (upstream === undefined || started === undefined) {
      throw new Error(`${name}: the proxy is not running; see the beforeAll failure above`);
    }
    return { upstream, started };
  };
  return {
    get upstream() {
      return running().upstream;
    },
    get started() {
      return running().started;
    },
  };
}

/** The test proxy of a suite and the fake upstream behind it; read inside tests, not at load. */
export interface SuiteProxy {
  readonly upstream: FakeUpstream;
  readonly proxy: Proxy;
  readonly url: string;
  readonly logs: LogRecord[];
}

/**
 * proxyOverUpstream with this folder's fake upstream, whose recorded requests are cleared before
 * each test.
 */
export function proxyOverFakeUpstream(overrides: Partial<ProxyOptions> = {}): SuiteProxy {
  const suite = proxyOverUpstream('proxyOverFakeUpstream', startFakeUpstream, overrides);
  beforeEach(() => suite.upstream.reset());
  return {
    get upstream() {
      return suite.upstream;
    },
    get proxy() {
      return suite.started.proxy;
    },
    get url() {
      return suite.started.url;
    },
    get logs() {
      return suite.started.logs;
    },
  };
}
