/**
 * Which server is behind the proxy: read from its `/api/v1/status/buildinfo` (Prometheus 2.14+,
 * also served by Thanos Query and Mimir) or pinned with `--upstream-version`. The version only
 * decides which extra routes exist (upstreamRoutes.ts); it never weakens enforcement: every
 * enforced route behaves the same on every version, and an undetected version serves none of the
 * version-gated routes.
 */
import type { LogRecord, Logger } from './log';
import type { ProxyOptions } from './options';
import type { Upstream } from './upstream';

export type UpstreamProduct = 'prometheus' | 'thanos' | 'mimir' | 'unknown';

export interface UpstreamProfile {
  product: UpstreamProduct;
  /** The version as reported (or pinned); null when unknown. */
  version: string | null;
  /** major.minor.patch of a Prometheus release; null for other products or unknown versions. */
  release: readonly [number, number, number] | null;
  source: 'buildinfo' | 'flag' | 'undetected';
  /** Why the version is unknown (source 'undetected'). */
  problem?: string;
}

const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/;

function parseRelease(version: string): [number, number, number] | null {
  const m = SEMVER.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/**
 * `--upstream-version`: a Prometheus release (`3.5.0`, `v2.42.0`), or `thanos` / `mimir` for those
 * query layers (whose version-gated Prometheus routes then stay off).
 */
export function parseUpstreamVersionFlag(text: string): UpstreamProfile {
  const value = text.trim().toLowerCase();
  if (value === 'thanos' || value === 'mimir') {
    return { product: value, version: null, release: null, source: 'flag' };
  }
  const release = parseRelease(value);
  if (!release) {
    // options.ts turns this into an OptionsError (kept out of here to avoid an import cycle).
    throw new Error(
      `--upstream-version "${text}" is not a Prometheus release like 3.5.0 (or "thanos", "mimir"); leave it out to read the upstream's /api/v1/status/buildinfo`
    );
  }
  return { product: 'prometheus', version: release.join('.'), release, source: 'flag' };
}

/**
 * The profile a buildinfo answer describes. Mimir names itself in `application`; Thanos reports
 * its own 0.x version in Prometheus' shape, and no Prometheus serving buildinfo was ever 0.x.
 */
export function profileFromBuildInfo(body: unknown): UpstreamProfile {
  const data = (body as { status?: unknown; data?: unknown } | null)?.data as
    { version?: unknown; application?: unknown } | undefined;
  if ((body as { status?: unknown } | null)?.status !== 'success' || !data || typeof data.version !== 'string') {
    return undetected('the buildinfo answer has no data.version');
  }
  const version = data.version;
  if (typeof data.application === 'string' && /mimir/i.test(data.application)) {
    return { product: 'mimir', version, release: null, source: 'buildinfo' };
  }
  const release = parseRelease(version);
  if (!release) {
    return { product: 'unknown', version, release: null, source: 'buildinfo', problem: `version "${version}"` };
  }
  if (release[0] === 0) {
    return { product: 'thanos', version, release: null, source: 'buildinfo' };
  }
  return { product: 'prometheus', version, release, source: 'buildinfo' };
}

export function undetected(problem: string): UpstreamProfile {
  return { product: 'unknown', version: null, release: null, source: 'undetected', problem };
}

/** Whether the upstream is a Prometheus of at least `major.minor`. */
export function isPrometheusAtLeast(profile: UpstreamProfile, major: number, minor: number): boolean {
  const r = profile.release;
  return profile.product === 'prometheus' && r !== null && (r[0] > major || (r[0] === major && r[1] >= minor));
}

export function describeProfile(p: UpstreamProfile): string {
  if (p.source === 'undetected') {
    return `unknown (${p.problem})`;
  }
  return p.version ? `${p.product} ${p.version}` : p.product;
}

/** After a failed detection, the next attempt waits this long (a down upstream is not hammered). */
const RETRY_AFTER_MS = 10_000;

/**
 * The cached upstream profile. Detected at start (listen) and again after the upstream was
 * unreachable (a restart may have upgraded it), at most once at a time; a pinned profile is never
 * re-read.
 */
export class UpstreamVersion {
  private profile: UpstreamProfile;
  private pending: Promise<UpstreamProfile> | null = null;
  private stale = true;
  /** No detection before this time: set after a failed one, so a down upstream is not hammered. */
  private retryAt = -Infinity;

  constructor(
    private readonly fetchBuildInfo: () => Promise<unknown>,
    private readonly pinned: UpstreamProfile | null,
    private readonly logger: Logger,
    private readonly now: () => number = () => performance.now()
  ) {
    this.profile = pinned ?? undetected('not asked yet');
    this.stale = pinned === null;
  }

  /** The profile now, without waiting. */
  known(): UpstreamProfile {
    return this.profile;
  }

  /** The profile, re-detected first when stale (and not tried in the last seconds). */
  current(): Promise<UpstreamProfile> {
    if (this.pending) {
      return this.pending;
    }
    return this.needsDetection ? this.detect() : Promise.resolve(this.profile);
  }

  /** Reads buildinfo now (one request at a time); the cached profile is kept on failure. */
  detect(): Promise<UpstreamProfile> {
    if (this.pinned) {
      return Promise.resolve(this.pinned);
    }
    this.pending ??= this.read().finally(() => (this.pending = null));
    return this.pending;
  }

  /**
   * The first detection, started by listen() and not awaited: an upstream that is slow or down
   * must not keep the proxy from starting (the detection is retried after the next request).
   */
  detectAtStart(): void {
    if (this.pinned) {
      this.logger({ level: 'info', msg: 'upstream version pinned', upstream: describeProfile(this.pinned) });
      return;
    }
    void this.detect();
  }

  /** The upstream could not be reached: read its version again once it answers. */
  markUnreachable(): void {
    if (!this.pinned) {
      this.stale = true;
    }
  }

  /** Whether a re-detection is due (the server starts one after a request that reached the upstream). */
  get needsDetection(): boolean {
    return this.stale && this.pending === null && this.now() >= this.retryAt;
  }

  private async read(): Promise<UpstreamProfile> {
    let next: UpstreamProfile;
    try {
      next = profileFromBuildInfo(await this.fetchBuildInfo());
    } catch (err) {
      next = undetected(`reading /api/v1/status/buildinfo failed: ${(err as Error).message}`);
    }
    if (next.source === 'undetected') {
      this.retryAt = this.now() + RETRY_AFTER_MS;
      // Keep what was known: an upstream that is briefly down did not change its version.
      if (this.profile.source !== 'buildinfo') {
        this.profile = next;
      }
      this.logger({
        level: 'warn',
        msg: 'upstream version not detected',
        problem: next.problem,
        effect: 'version-gated routes (format_query, parse_query) answer 404; pin it with --upstream-version',
      });
      return this.profile;
    }
    const changed = this.profile.source === 'buildinfo' && describeProfile(this.profile) !== describeProfile(next);
    this.profile = next;
    this.stale = false;
    this.retryAt = -Infinity;
    this.logger({
      level: changed ? 'warn' : 'info',
      msg: changed ? 'upstream version changed' : 'upstream version detected',
      upstream: describeProfile(next),
    });
    return next;
  }
}

const NOT_PROMETHEUS: UpstreamProfile = {
  product: 'unknown',
  version: null,
  release: null,
  source: 'flag',
  problem: 'not a Prometheus upstream',
};

/** Largest buildinfo answer read (Prometheus' is a few hundred bytes). */
const MAX_BUILDINFO_BYTES = 64 * 1024;

/**
 * What an operator should know about this proxy's flags on this upstream, logged once the version
 * is known. Nothing here changes enforcement.
 */
export function compatibilityNotes(profile: UpstreamProfile, options: ProxyOptions): LogRecord[] {
  const notes: LogRecord[] = [];
  const older = (major: number, minor: number) =>
    profile.product === 'prometheus' && !isPrometheusAtLeast(profile, major, minor);
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(options.label) && older(3, 0)) {
    notes.push({
      level: 'warn',
      msg: 'tenant label needs UTF-8 names',
      label: options.label,
      upstream: describeProfile(profile),
      effect:
        'the quoted label name is valid from Prometheus 3.0.0 (2.55.0 with --enable-feature=utf8-names); older versions refuse every enforced query',
    });
  }
  if (options.labelMatchersForRulesApi && older(2, 54)) {
    notes.push({
      level: 'info',
      msg: '--enable-label-matchers-for-rules-api has no effect upstream',
      upstream: describeProfile(profile),
      effect: 'match[] on /api/v1/rules arrived in Prometheus 2.54.0; the proxy filters the answer either way',
    });
  }
  return notes;
}

/** The UpstreamVersion of a proxy: pinned by --upstream-version, else read through `upstream`. */
export function startUpstreamVersion(upstream: Upstream, options: ProxyOptions, logger: Logger): UpstreamVersion {
  if (options.upstreamKind !== undefined && options.upstreamKind !== 'prometheus') {
    // Other kinds have route tables of their own, with no version-gated route.
    return new UpstreamVersion(
      () => Promise.resolve(null),
      NOT_PROMETHEUS,
      () => {}
    );
  }
  const pinned = options.upstreamVersion === undefined ? null : parseUpstreamVersionFlag(options.upstreamVersion);
  const fetchBuildInfo = async (): Promise<unknown> => {
    const res = await upstream.send(
      { method: 'GET', path: '/api/v1/status/buildinfo', query: new URLSearchParams(), form: null, headers: {} },
      'buildinfo_detect'
    );
    const body = await upstream.readBody(res, MAX_BUILDINFO_BYTES);
    if (res.statusCode !== 200) {
      throw new Error(`HTTP ${res.statusCode}`);
    }
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new Error('the answer is not JSON');
    }
  };
  const versions: UpstreamVersion = new UpstreamVersion(fetchBuildInfo, pinned, (record) => {
    logger(record);
    if (/^upstream version (detected|changed|pinned)$/.test(record.msg)) {
      compatibilityNotes(versions.known(), options).forEach((note) => logger(note));
    }
  });
  return versions;
}
