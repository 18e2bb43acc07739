/**
 * A page the browser harness can render: `harness.html?page=<id>`. Add one by dropping a file in
 * `tests/browser/harness/pages/` whose default export is a `HarnessPage`; the bundle build finds
 * it by listing that folder (no central list to edit).
 */
import type React from 'react';

export interface HarnessContext {
  /** The page's query string, e.g. `?page=tenants&orgId=1` (read your own options from it). */
  params: URLSearchParams;
  /** The UI org the stand-in backend service forces onto every `/api` call (CONTRACT §2.3). */
  orgId: number;
  /** Base URL of the reverse proxy to the Prometheus given to the harness server (`/prom`). */
  prometheusPath: string;
  /** Base URL of the reverse proxy to the Loki given to the harness server (`/loki`). */
  lokiPath: string;
}

export interface HarnessPage {
  /** The `?page=` value; must equal the file name without extension. */
  id: string;
  /** One line shown in the page index. */
  title: string;
  render(ctx: HarnessContext): React.ReactElement;
}

/** Shape of `window.grafanaBootData` as far as the harness fills it in. */
export interface HarnessBootData {
  settings: Record<string, unknown>;
  user: {
    id: number;
    login: string;
    name: string;
    email: string;
    orgId: number;
    orgName: string;
    orgRole: 'Admin' | 'Editor' | 'Viewer' | 'None';
    isGrafanaAdmin: boolean;
    isSignedIn: boolean;
    theme: string;
    timezone: string;
    locale: string;
    language: string;
    regionalFormat: string;
  };
  navTree: unknown[];
  assets: { dark: string; light: string };
}
