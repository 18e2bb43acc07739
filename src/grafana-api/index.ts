export { GrafanaApi } from './client';
export type { CallOptions } from './client';
export { GrafanaApiError, isGrafanaApiError, serverMessage } from './errors';
export { basicAuthTransport, bearerTokenTransport, browserFetchTransport } from './transport';
export type { Transport, TransportRequest, TransportResponse } from './transport';
export { DEFAULT_RETRY_POLICY, NO_DELAY_RETRY_POLICY, backoffDelay, isRetryableStatus } from './retry';
export type { RetryPolicy } from './retry';
export type * from './types';
