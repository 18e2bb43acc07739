/**
 * Runs enforceQuery in a separate process (started by childEnforce.ts) so that a test can bound
 * its time and survive a stack overflow or a regex that never finishes. Reads one JSON job from
 * stdin: { label, values, errorOnReplace, exprs: string[] }, prints one JSON line per expr.
 */
import { createEnforcer, EnforceError, enforceGrafanaQuery, enforceQuery } from '../../../src/promql';

interface Job {
  label: string;
  values: string[];
  errorOnReplace?: boolean;
  /** enforceGrafanaQuery instead of enforceQuery */
  grafana?: boolean;
  exprs: string[];
}

import { readFileSync } from 'fs';

// stdin, not argv: the deep-nesting inputs exceed Linux's 128 KiB limit per argument.
const job = JSON.parse(readFileSync(0, 'utf8')) as Job;
const enforcer = createEnforcer({ label: job.label, values: job.values, errorOnReplace: job.errorOnReplace });
for (const expr of job.exprs) {
  let line: unknown;
  try {
    line = { ok: (job.grafana ? enforceGrafanaQuery : enforceQuery)(expr, enforcer) };
  } catch (err) {
    line = {
      error: err instanceof EnforceError ? 'EnforceError' : `${(err as Error).name}: ${(err as Error).message}`,
    };
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}
