/** @jest-environment node */
/**
 * Issue #19 acceptance: the batch path answers the whole PromQL corpus byte for byte like the
 * readline CLI it replaced (kept as tests/cli/support/readlineEnforceCli.ts), error lines and order
 * included, in each mode that changes the answers. Both run on the same engine in the same
 * checkout, so an engine change elsewhere cannot make this fail; only the I/O path is compared.
 */
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import { sharedPath } from '../support/shared';
import { ENFORCE_CLI, READLINE_ORACLE, runScript } from './support/runCli';

jest.setTimeout(300_000);

const corpus = (file: string) => readFileSync(sharedPath('corpus', 'promql', file));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const CASES: Array<[string, string, string[]]> = [
  ['interpolated corpus, one tenant', 'corpus-interpolated.jsonl', ['--label', 'tenant', '--value', 'a']],
  [
    'raw Grafana corpus with --grafana, two tenants',
    'corpus.jsonl',
    ['--label', 'tenant', '--value', 'a', '--value', 'b', '--grafana'],
  ],
  ['raw Grafana corpus without --grafana (5,000+ error lines)', 'corpus.jsonl', ['--label', 'tenant', '--value', 'a']],
  ['invalid queries, --error-on-replace', 'invalid.jsonl', ['--label', 'tenant', '--value', 'a', '--error-on-replace']],
];

describe('enforce CLI: batch path vs the readline CLI on the corpus', () => {
  it.each(CASES)('%s', (_name, file, args) => {
    const input = corpus(file);
    const before = runScript(READLINE_ORACLE, args, input);
    const after = runScript(ENFORCE_CLI, args, input);
    expect(before.stdout.length).toBeGreaterThan(0);
    expect(after.status).toBe(before.status);
    // Hashes first: on a difference, the first differing line says more than two 3 MB strings.
    if (sha(after.stdout) !== sha(before.stdout)) {
      const a = after.stdout.toString('utf8').split('\n');
      const b = before.stdout.toString('utf8').split('\n');
      const i = a.findIndex((line, k) => line !== b[k]);
      expect({ line: i + 1, answer: a[i] }).toEqual({ line: i + 1, answer: b[i] });
    }
    expect(after.stdout.equals(before.stdout)).toBe(true);
  });

  it('answers an input of awkward lines (BOM, CRLF, lone CR, bad JSON, invalid UTF-8, no final newline) like readline', () => {
    const input = Buffer.concat([
      Buffer.from('\ufeff{"expr":"up"}\n{"expr":"a"}\r\n\r\n   \n{"expr":"b"}\rnot json\n{"expr":5}\n[1]\nnull\n'),
      Buffer.from('{"expr":"d{x=\\"'),
      Buffer.from([0xff]),
      Buffer.from('\\"}"}\n\t{"expr":"rate(x[5m])"}  \n{"expr":"x","expr":"y"}\n{"expr":"sum(up"}\n{"expr":"up"}\r'),
    ]);
    const args = ['--label', 'tenant', '--value', 'a'];
    const before = runScript(READLINE_ORACLE, args, input);
    const after = runScript(ENFORCE_CLI, args, input);
    expect(after.stdout.toString('utf8')).toBe(before.stdout.toString('utf8'));
    expect(after.stdout.toString('utf8').split('\n')).toHaveLength(13);
    expect(after.status).toBe(1);
  });
});
