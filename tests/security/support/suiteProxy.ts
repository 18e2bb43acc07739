import type { ProxyOptions } from '../../../proxy';
import { startTestProxy, testProxyOptions, type StartedProxy } from '../../../proxy/testing/proxyHarness';
import { startRecordingUpstream, type RecordingUpstream } from './recordingUpstream';

/** The enforcing proxy of a describe block and the recording upstream behind it; read inside tests. */
export interface ProxyOverRecordingUpstream {
  readonly upstream: RecordingUpstream;
  /** The proxy's base URL. */
  readonly base: string;
}

/**
 * Starts a recording upstream and the enforcing proxy in front of it (proxy/testing/proxyHarness
 * options, tenant from X-Tenant unless `overrides` say otherwise, 1 s shutdown grace) for the
 * enclosing describe block; afterAll always stops both.
 */
export function proxyOverRecordingUpstream(overrides: Partial<ProxyOptions> = {}): ProxyOverRecordingUpstream {
  let upstream: RecordingUpstream | undefined;
  let started: StartedProxy | undefined;
  beforeAll(async () => {
    upstream = await startRecordingUpstream();
    started = await startTestProxy(testProxyOptions(upstream.url, { shutdownGraceMs: 1000, ...overrides }));
  });
  afterAll(async () => {
    await started?.proxy.close();
    await upstream?.stop();
  });
  const running = (): { upstream: RecordingUpstream; started: StartedProxy } => {
    if (upstream === undefined || started === undefined) {
      throw new Error('proxyOverRecordingUpstream: the proxy is not running; see the beforeAll failure above');
    }
    return { upstream, started };
  };
  return {
    get upstream() {
      return running().upstream;
    },
    get base() {
      return running().started.url;
    },
  };
}
