import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
/** Root of the app's pages: Grafana mounts the root page at /a/<plugin id> (plugin.json `includes`). */
export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;
/** The admin config page lives under Grafana's plugin catalog, not under the app root. */
export const CONFIG_PAGE_URL = `/plugins/${pluginJson.id}`;

export enum ROUTES {
  Tenants = 'tenants',
}

/** Label every tenant's series carry (stamped by the agents as an external label). */
export const DEFAULT_TENANT_LABEL = 'tenant';
/** Pre-filled URL of the enforcing proxy when the admin adds a tenant with the form. */
/** The token-mode proxy of docker-compose.yaml (service tenancy-proxy), as the README's examples use it. */
export const DEFAULT_PROXY_URL = 'http://tenancy-proxy:8080';
