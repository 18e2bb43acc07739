import type { ProxyOptions } from '../../../proxy';
import { proxyOverUpstream } from '../../../proxy/testing/suiteProxy';
import { startRecordingUpstream, type RecordingUpstream } from './recordingUpstream';

/** The enforcing proxy of a describe block and the recording upstream behind it; read inside tests. */
export interface ProxyOverRecordingUpstream {
  readonly upstream: RecordingUpstream;
  /** The proxy's base URL. */
  readonly base: string;
}

/**
 * The enforcing proxy (proxy/testing options, tenant from X-Tenant unless `overrides` say
 * otherwise, 1 s shutdown grace) in front of this folder's recording upstream, which shares no
 * code with the proxy, for the enclosing describe block.
 */
export function proxyOverRecordingUpstream(overrides: Partial<ProxyOptions> = {}): ProxyOverRecordingUpstream {
  const suite = proxyOverUpstream('proxyOverRecordingUpstream', startRecordingUpstream, {
    shutdownGraceMs: 1000,
    ...overrides,
  });
  return {
    get upstream() {
      return suite.upstream;
    },
    get base() {
      return suite.started.url;
    },
  };
}
