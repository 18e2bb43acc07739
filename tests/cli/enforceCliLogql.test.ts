/** The enforce CLI with --lang logql: same flags and JSON-lines I/O as PromQL, the LogQL engine behind. */
import { unpinnedSelectors } from '../../src/logql/testing/selectorWalk';
import { ENFORCE_CLI, runScript } from './support/runCli';

const TENANT = ['--label', 'tenant', '--value', 'a', '--lang', 'logql'];

describe('enforce CLI --lang logql', () => {
  it('enforces one query given as the argument', () => {
    const r = runScript(ENFORCE_CLI, [...TENANT, 'sum(count_over_time({app="x", tenant!="a"} |= "e" [5m]))']);
    expect(r.status).toBe(0);
    expect(r.stdout.toString()).toBe('sum(count_over_time({app="x", tenant="a"} |= "e" [5m]))\n');
  });

  it('answers JSON lines: enforced, refused with the engine error kind, exit 1 when some were refused', () => {
    const input = [
      { expr: '{app="x"} | json | tenant="b"' },
      { expr: 'rate({app="x"}[1m]) / rate({app="y"}[1m])' },
      { expr: '{app="x"} or {app="y"}' },
      { expr: 'up{job="x"}' },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const r = runScript(ENFORCE_CLI, [...TENANT, '--value', 'b'], input);
    expect(r.status).toBe(1);
    const answers = r.stdout
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(answers.map((a) => a.enforced ?? a.error.kind)).toEqual([
      '{app="x",tenant=~"a|b"} | json | tenant="b"',
      'rate({app="x",tenant=~"a|b"}[1m]) / rate({app="y",tenant=~"a|b"}[1m])',
      'parse',
      'parse',
    ]);
    for (const a of answers.filter((x) => x.enforced)) {
      expect(unpinnedSelectors(a.enforced, 'tenant', '=~', 'a|b')).toEqual([]);
    }
    expect(answers[2].error.message).toMatch(/^invalid LogQL at 1:1/);
  });

  it('--grafana keeps variables; without it a $ query gets the hint', () => {
    const q = 'sum by ($label) (count_over_time({app=~"$app"} [$__auto]))';
    const ok = runScript(ENFORCE_CLI, [...TENANT, '--grafana', q]);
    expect(ok.stdout.toString()).toBe('sum by ($label) (count_over_time({app=~"$app",tenant="a"} [$__auto]))\n');
    const refused = runScript(ENFORCE_CLI, TENANT, JSON.stringify({ expr: q }));
    expect(refused.status).toBe(1);
    expect(refused.stderr.toString()).toMatch(/add --grafana/);
  });

  it('refuses a tenant label Loki cannot have as a usage error', () => {
    const r = runScript(ENFORCE_CLI, ['--label', 'k8s.tenant', '--value', 'a', '--lang', 'logql', '{a="b"}']);
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toMatch(/not a Loki label name/);
  });
});
