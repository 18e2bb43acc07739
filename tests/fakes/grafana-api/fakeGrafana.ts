/** The fake's public object: routing, auth, request log, fault injection and seed helpers. */
import { authenticate, AuthContext } from './auth';
import { FakeHttpError, FakeRequest, FakeResponse } from './http';
import { fetchUpstream, proxyRequest, Upstream } from './proxy';
import { matchRoute } from './router';
import { syncPluginDashboards } from './routes/plugins';
import { createUserRow } from './routes/users';
import type { FakeFeatureToggle } from './featureToggles';
import { BundledDashboard, FakeState, OrgRole, PluginDef } from './state';

export interface RequestLogEntry {
  seq: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
  /** The org the request acted on (the path org for `/api/orgs/{id}/…`); undefined if unauthenticated. */
  orgId: number | undefined;
  status: number;
  write: boolean;
  /** Set when the response came from failOn/failWrite. */
  injected?: boolean;
}

export interface FaultTarget {
  method: string;
  path: string;
  query: URLSearchParams;
  orgId: number | undefined;
  body: unknown;
  write: boolean;
  /** 1-based index of this write since the fault was installed (0 for reads). */
  writeIndex: number;
}

export interface FaultSpec {
  status?: number;
  message?: string;
  /** 'before' (default): nothing is applied; 'after': the write is applied, then the error is returned (lost response). */
  mode?: 'before' | 'after';
  /** How many matching requests fail (default 1; Infinity for all). */
  times?: number;
}

interface Fault {
  predicate: (t: FaultTarget) => boolean;
  spec: Required<Omit<FaultSpec, 'message'>> & { message: string };
  writesSeen: number;
}

export interface FakeGrafanaOptions {
  /** Reproduce ≤11.x `name-exists` (412) for same-title dashboards in one folder; 12.x accepts them. */
  rejectDuplicateDashboardTitles?: boolean;
  /** Where data source proxy calls go; default: global fetch. */
  upstream?: Upstream;
  /** Prometheus proxy paths (e.g. `api/v1/query`) that accept POST; default none (CONTRACT §11.9). */
  prometheusPostRoutes?: string[];
  /**
   * Grafana 12.x feature toggles whose API shapes the fake reproduces (featureToggles.ts):
   * `kubernetesTeamsRedirect`, `kubernetesFolders`, `unifiedStorageSearchUI`.
   */
  featureToggles?: FakeFeatureToggle[];
  /** `buildInfo.version` (default 12.4.0). */
  version?: string;
  /**
   * Bundled dashboards appear this many requests after the app is enabled (Grafana imports them in
   * an event handler after answering; CONTRACT §9). Default 0: at once.
   */
  pluginDashboardDelay?: number;
}

export interface SeedUser {
  login: string;
  email?: string;
  name?: string;
  password?: string;
  /** Org to add the user to (default 1) and the role there (default Viewer). */
  orgId?: number;
  role?: OrgRole;
  isGrafanaAdmin?: boolean;
  /** Signed in through an identity provider that syncs org roles, e.g. `oauth_generic_oauth` or `ldap`. */
  authModule?: string;
}

const PLUGIN_ID = 'mtlabs-tenancy-app';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class FakeGrafana {
  readonly state = new FakeState();
  readonly log: RequestLogEntry[] = [];
  private faults: Fault[] = [];
  private readonly upstream: Upstream;
  private readonly prometheusPostRoutes: string[];

  constructor(opts: FakeGrafanaOptions = {}) {
    this.state.rejectDuplicateDashboardTitles = opts.rejectDuplicateDashboardTitles ?? false;
    this.upstream = opts.upstream ?? fetchUpstream;
    this.prometheusPostRoutes = opts.prometheusPostRoutes ?? [];
    this.state.featureToggles = new Set(opts.featureToggles ?? []);
    this.state.version = opts.version ?? '12.4.0';
    this.state.pluginDashboardDelay = opts.pluginDashboardDelay ?? 0;
    // Fresh install: org 1 `Main Org.`, user 1 `admin`/`admin`, Server Admin and Admin of org 1 (CONTRACT §2.4).
    const main = { id: this.state.nextId('org'), name: 'Main Org.', created: this.state.now() };
    this.state.orgs.set(main.id, main);
    const admin = createUserRow(this.state, {
      login: 'admin',
      email: 'admin@localhost',
      name: 'admin',
      password: 'admin',
    });
    admin.isGrafanaAdmin = true;
    this.state.membership(1, admin.id)!.role = 'Admin';
    this.installPlugin({ id: 'prometheus', type: 'datasource', name: 'Prometheus' });
    this.installPlugin({ id: PLUGIN_ID, type: 'app', name: 'Tenancy' });
  }

  // --- seed helpers ----------------------------------------------------------------------------

  /** Creates a user like POST /api/admin/users, then sets its role (and Server Admin flag). */
  createUser(u: SeedUser): { id: number; uid: string; login: string } {
    const row = createUserRow(this.state, {
      login: u.login,
      email: u.email ?? `${u.login}@example.com`,
      name: u.name ?? u.login,
      password: u.password ?? u.login,
      orgId: u.orgId,
    });
    this.state.membership(u.orgId ?? 1, row.id)!.role = u.role ?? 'Viewer';
    row.isGrafanaAdmin = u.isGrafanaAdmin ?? false;
    row.authModule = u.authModule;
    return { id: row.id, uid: row.uid, login: row.login };
  }

  /** Installs (or replaces) a plugin definition; app plugins may bundle dashboards. */
  installPlugin(p: {
    id: string;
    type?: PluginDef['type'];
    name?: string;
    autoEnabled?: boolean;
    dashboards?: BundledDashboard[];
  }): void {
    this.state.plugins.set(p.id, {
      id: p.id,
      type: p.type ?? 'app',
      name: p.name ?? p.id,
      autoEnabled: p.autoEnabled ?? false,
      dashboards: p.dashboards ?? [],
    });
  }

  /**
   * Sets the dashboards an app bundles. Like a plugin upgrade at server start
   * (`updateAppDashboards`), orgs where the app is enabled are synced to the new list.
   */
  setBundledDashboards(pluginId: string, dashboards: BundledDashboard[]): void {
    const p = this.state.plugins.get(pluginId);
    if (!p) {
      throw new Error(
        `setBundledDashboards: plugin "${pluginId}" is not installed; call installPlugin({ id: "${pluginId}" }) first`
      );
    }
    p.dashboards = dashboards;
    for (const row of this.state.pluginSettings.filter((r) => r.pluginId === pluginId && r.enabled)) {
      syncPluginDashboards(this.state, row.orgId, p, true);
    }
  }

  /** A session token for `Cookie: grafana_session=<token>` (browser tests). */
  sessionFor(login: string): string {
    const user = this.state.userByLoginOrEmail(login);
    if (!user) {
      throw new Error(
        `sessionFor: no user with login "${login}"; create it with fake.createUser({ login: "${login}" })`
      );
    }
    const token = this.state.newUid() + this.state.newUid();
    this.state.sessions.set(token, user.id);
    return token;
  }

  /** Creates an SA with a token in `orgId` and returns the `glsa_…` key (for Bearer auth tests). */
  serviceAccountToken(orgId: number, name: string, role: OrgRole = 'Admin'): string {
    const sa = {
      id: this.state.nextId('user'),
      uid: this.state.newUid(),
      orgId,
      name,
      login: `sa-${orgId}-${name}`,
      role,
      isDisabled: false,
    };
    this.state.serviceAccounts.set(sa.id, sa);
    const token = {
      id: this.state.nextId('token'),
      saId: sa.id,
      orgId,
      name: name + '-token',
      key: 'glsa_' + this.state.newUid() + this.state.newUid(),
      created: this.state.now(),
      expires: undefined,
    };
    this.state.tokens.set(token.id, token);
    return token.key;
  }

  // --- request log and faults ------------------------------------------------------------------

  counts(): { reads: number; writes: number; total: number } {
    const writes = this.log.filter((e) => e.write).length;
    return { reads: this.log.length - writes, writes, total: this.log.length };
  }

  resetLog(): void {
    this.log.length = 0;
  }

  /** Fails requests matching `predicate` (default status 500). Returns a function removing the fault. */
  failOn(predicate: (t: FaultTarget) => boolean, spec: FaultSpec = {}): () => void {
    const fault: Fault = {
      predicate,
      spec: {
        status: spec.status ?? 500,
        message: spec.message ?? 'injected failure',
        mode: spec.mode ?? 'before',
        times: spec.times ?? 1,
      },
      writesSeen: 0,
    };
    this.faults.push(fault);
    return () => {
      this.faults = this.faults.filter((f) => f !== fault);
    };
  }

  /** Fails the k-th write (1-based) counted from now. */
  failWrite(k: number, spec: FaultSpec = {}): () => void {
    return this.failOn((t) => t.write && t.writeIndex === k, spec);
  }

  clearFaults(): void {
    this.faults = [];
  }

  // --- HTTP --------------------------------------------------------------------------------------

  async handle(req: FakeRequest): Promise<FakeResponse> {
    try {
      return await this.handleOne(req);
    } finally {
      this.state.tick();
    }
  }

  private async handleOne(req: FakeRequest): Promise<FakeResponse> {
    const method = req.method.toUpperCase();
    const parsed = new URL(req.url, 'http://fake.invalid');
    const path = parsed.pathname;
    const write = WRITE_METHODS.has(method);
    // JSON round trips keep callers from sharing objects with the fake's state.
    const body =
      req.body === undefined || typeof req.body === 'string' ? req.body : JSON.parse(JSON.stringify(req.body));
    let auth: AuthContext | undefined;
    let orgId: number | undefined;
    const entry = (status: number, injected?: boolean) =>
      this.log.push({
        seq: this.log.length + 1,
        method,
        path,
        query: parsed.search,
        orgId,
        status,
        write,
        ...(injected ? { injected } : {}),
      });
    try {
      if (method === 'POST' && path === '/login') {
        return this.login(body);
      }
      if (method === 'GET' && path === '/api/health') {
        return { status: 200, body: { database: 'ok', version: '12.4.0', commit: 'fake' } };
      }
      const proxy = path.match(/^\/api\/datasources\/proxy\/uid\/([^/]*)\/?(.*)$/);
      const match = proxy ? undefined : matchRoute(method, path);
      auth = authenticate(this.state, parsed.searchParams, req.headers);
      orgId =
        match?.params.orgId !== undefined && /^\d+$/.test(match.params.orgId) ? Number(match.params.orgId) : auth.orgId;
      const fault = this.takeFault({ method, path, query: parsed.searchParams, orgId, body, write, writeIndex: 0 });
      if (fault?.spec.mode === 'before') {
        entry(fault.spec.status, true);
        return { status: fault.spec.status, body: { message: fault.spec.message } };
      }
      let res: FakeResponse;
      if (proxy) {
        res = await proxyRequest(
          this.state,
          auth,
          {
            method,
            uid: decodeURIComponent(proxy[1]),
            rest: proxy[2],
            search: parsed.search,
            headers: req.headers ?? {},
            body,
          },
          { upstream: this.upstream, prometheusPostRoutes: this.prometheusPostRoutes }
        );
      } else if (!match) {
        res = { status: 404, body: { message: 'Not found' } };
      } else {
        res = match.route.handle({ state: this.state, auth, params: match.params, query: parsed.searchParams, body });
      }
      if (fault) {
        entry(fault.spec.status, true);
        return { status: fault.spec.status, body: { message: fault.spec.message } };
      }
      entry(res.status);
      return {
        ...res,
        body: res.body === undefined || typeof res.body === 'string' ? res.body : JSON.parse(JSON.stringify(res.body)),
      };
    } catch (e) {
      if (e instanceof FakeHttpError) {
        entry(e.status);
        return { status: e.status, body: e.body };
      }
      throw e;
    }
  }

  private takeFault(t: FaultTarget): Fault | undefined {
    for (const f of this.faults) {
      if (t.write) {
        f.writesSeen += 1;
      }
    }
    const hit = this.faults.find(
      (f) => f.spec.times > 0 && f.predicate({ ...t, writeIndex: t.write ? f.writesSeen : 0 })
    );
    if (hit) {
      hit.spec.times -= 1;
    }
    return hit;
  }

  private login(body: unknown): FakeResponse {
    const b = (body ?? {}) as { user?: string; password?: string };
    const user = this.state.userByLoginOrEmail(String(b.user ?? ''));
    if (!user || user.password !== b.password) {
      return { status: 401, body: { message: 'Invalid username or password' } };
    }
    const token = this.sessionFor(user.login);
    return {
      status: 200,
      body: { message: 'Logged in' },
      headers: { 'set-cookie': `grafana_session=${token}; Path=/; HttpOnly; SameSite=Lax` },
    };
  }
}
