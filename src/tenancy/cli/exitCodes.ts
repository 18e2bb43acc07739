/**
 * The GitOps CLI's exit codes: one per thing a CI job reacts to differently. 2 keeps its old
 * meaning (plan: changes pending) so existing pipelines that test for it keep working.
 */
export const EXIT = {
  ok: 0,
  /** apply: some tenant did not end done; or an unexpected error. */
  failed: 1,
  /** plan: changes are pending (apply would write). */
  changesPending: 2,
  /** The spec file is missing or invalid. */
  invalidSpec: 3,
  /** Grafana could not be reached, or what answered is not Grafana. */
  unreachable: 4,
  /** Grafana refused the credentials or the user lacks Server Admin rights. */
  unauthorised: 5,
  /** plan/apply: a tenant is blocked by a conflict (something unmanaged is in the way). */
  conflicts: 6,
  /** Wrong command line. */
  usage: 64,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type ErrorKind = Exclude<keyof typeof EXIT, 'ok' | 'changesPending'>;

/** A failure the CLI reports and exits with; `details` go to the JSON error document. */
export class CliFailure extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: Record<string, unknown> = {}
  ) {
    super(message);
  }
  get exitCode(): ExitCode {
    return EXIT[this.kind];
  }
}
