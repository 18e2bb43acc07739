/** @jest-environment node */
/**
 * The enforce CLI as a real process: stdin arriving in pieces (a chunk boundary inside a line and
 * inside a multi-byte character), CRLF, an unterminated last line, a consumer that reads slowly,
 * a consumer that goes away, `--lines`, `--stats`, `--help` and the `--grafana` hint.
 */
import { ChildProcessWithoutNullStreams } from 'child_process';
import { FLAGS } from '../../cli/enforce/options';
import { ENFORCE_CLI, runScript, startEnforce as start } from './support/runCli';

jest.setTimeout(120_000);

const TENANT_A = ['--label', 'tenant', '--value', 'a'];

// Children a failed test left running are stopped, so that jest can finish.
const children: ChildProcessWithoutNullStreams[] = [];
const startEnforce = (args: string[]) => {
  const child = start(args);
  children.push(child);
  return child;
};
afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill();
    }
  }
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Finished {
  stdout: string;
  stderr: string;
  code: number | null;
}

function finished(child: ChildProcessWithoutNullStreams): Promise<Finished> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  return new Promise((resolve) =>
    child.on('close', (code) =>
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code })
    )
  );
}

/** Writes each piece separately, waiting in between, so that the CLI reads them as separate chunks. */
async function feedInPieces(child: ChildProcessWithoutNullStreams, pieces: Buffer[]): Promise<void> {
  for (const piece of pieces) {
    child.stdin.write(piece);
    await sleep(150);
  }
  child.stdin.end();
}

const answers = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));

describe('enforce CLI: stdin in chunks', () => {
  it('joins a line cut inside the line and inside a multi-byte character', async () => {
    const line = Buffer.from('{"expr":"up{city=\\"Zürich\\"}"}\n{"expr":"x"}\n', 'utf8');
    const u = line.indexOf(Buffer.from('ü')); // 0xc3 0xbc
    const child = startEnforce(TENANT_A);
    const done = finished(child);
    await feedInPieces(child, [line.subarray(0, 5), line.subarray(5, u + 1), line.subarray(u + 1)]);
    const r = await done;
    expect(answers(r.stdout)).toEqual([
      { expr: 'up{city="Zürich"}', enforced: 'up{city="Zürich",tenant="a"}' },
      { expr: 'x', enforced: 'x{tenant="a"}' },
    ]);
    expect(r.code).toBe(0);
  });

  it('reads CRLF lines, a CR and LF in different chunks, and an unterminated last line', async () => {
    const child = startEnforce(TENANT_A);
    const done = finished(child);
    await feedInPieces(child, [
      Buffer.from('{"expr":"a"}\r\n{"expr":"b"}\r'),
      Buffer.from('\n{"expr":"c"}\r\n{"expr":"sum(d'),
      Buffer.from(')"}'),
    ]);
    const r = await done;
    expect(answers(r.stdout).map((a) => a.enforced)).toEqual([
      'a{tenant="a"}',
      'b{tenant="a"}',
      'c{tenant="a"}',
      'sum(d{tenant="a"})',
    ]);
    expect(r.code).toBe(0);
  });

  it('answers a malformed line with its error and line number, and goes on', () => {
    const r = runScript(ENFORCE_CLI, TENANT_A, '{"expr":"a"}\n{"expr":\n\n{"expr":"up +"}\n{"expr":"b"}');
    const out = answers(r.stdout.toString());
    expect(out[1]).toEqual({
      expr: null,
      error: { kind: 'input', message: 'line 2 is not a JSON object with a string "expr"' },
    });
    expect(out[2].error.kind).toBe('parse');
    expect(out[3]).toEqual({ expr: 'b', enforced: 'b{tenant="a"}' });
    expect(r.status).toBe(1);
  });
});

describe('enforce CLI: output backpressure', () => {
  // 200,000 cheap lines: ~3 MB in, ~10 MB out, far more than the pipes' buffers.
  const LINES = 200_000;
  const input = Buffer.from(Array.from({ length: LINES }, (_, i) => `{"expr":"m${i}"}\n`).join(''));

  it('stops reading while the consumer does not read, then delivers every answer in order', async () => {
    const child = startEnforce(TENANT_A);
    // One line answered first, so that the process is up and reading before the clock starts.
    child.stdin.write('{"expr":"probe"}\n');
    const probe = await new Promise<Buffer>((resolve) => child.stdout.once('data', resolve));
    expect(probe.toString()).toBe('{"expr":"probe","enforced":"probe{tenant=\\"a\\"}"}\n');
    child.stdout.pause();
    // Input in 16 KiB pieces, each sent once the previous one was taken: `accepted` counts what
    // the CLI (plus the pipe's buffer) has taken so far.
    const PIECE = 16 * 1024;
    let accepted = 0;
    const sendFrom = (at: number): void => {
      if (at >= input.length) {
        child.stdin.end();
        return;
      }
      child.stdin.write(input.subarray(at, at + PIECE), () => {
        accepted = Math.min(input.length, at + PIECE);
        sendFrom(at + PIECE);
      });
    };
    sendFrom(0);
    // While nobody reads stdout, the CLI must stop taking input once its output is backed up.
    // (The readline CLI read everything and kept every answer in memory.) Wait until the input
    // side stops moving.
    let seen = -1;
    for (let still = 0; still < 8;) {
      await sleep(250);
      still = accepted === seen ? still + 1 : 0;
      seen = accepted;
    }
    expect(accepted).toBeLessThan(input.length / 2);

    // A slow reader: small reads with pauses, until the end.
    const chunks: Buffer[] = [];
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    let ended = false;
    child.stdout.on('end', () => (ended = true));
    child.stdout.on('readable', () => undefined);
    while (!ended) {
      let chunk: Buffer | null;
      while ((chunk = child.stdout.read(64 * 1024) as Buffer | null) !== null) {
        chunks.push(chunk);
        await sleep(2);
      }
      await sleep(20);
      const rest = child.stdout.read() as Buffer | null;
      if (rest) {
        chunks.push(rest);
      }
    }
    expect(await closed).toBe(0);
    const lines = Buffer.concat(chunks).toString('utf8').split('\n');
    expect(lines).toHaveLength(LINES + 1);
    for (const i of [0, 1, 99_999, LINES - 1]) {
      expect(JSON.parse(lines[i])).toEqual({ expr: `m${i}`, enforced: `m${i}{tenant="a"}` });
    }
    expect(lines.every((l, i) => i === LINES || l.startsWith(`{"expr":"m${i}",`))).toBe(true);
  });

  it('stops with exit 2 and one line on stderr when the consumer goes away', async () => {
    const child = startEnforce(TENANT_A);
    const err: Buffer[] = [];
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => undefined); // the CLI may exit before it took all input
    child.stdin.end(input);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.stdout.destroy();
    const code = await new Promise((resolve) => child.on('close', resolve));
    const stderr = Buffer.concat(err).toString('utf8');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^enforce: cannot write the answers: .*EPIPE.*; stopped after \d+ queries\n$/);
  });
});

describe('enforce CLI: --lines, --stats, --help, hints', () => {
  it('--lines answers one query per line, keeps blank lines and leaves a refused line empty', () => {
    const r = runScript(ENFORCE_CLI, [...TENANT_A, '--lines'], 'sum(x)\r\n\nup +\nrate(y[5m])');
    expect(r.stdout.toString()).toBe('sum(x{tenant="a"})\n\n\nrate(y{tenant="a"}[5m])\n');
    expect(r.stderr.toString()).toMatch(/^enforce: line 3: parse: invalid PromQL at 1:5/);
    expect(r.status).toBe(1);
  });

  it('--stats counts enforced and refused queries by kind on stderr', () => {
    const input = ['{"expr":"a"}', '{"expr":"b +"}', 'nonsense', '{"expr":"x{tenant=\\"b\\"}"}', '{"expr":"c"}'].join(
      '\n'
    );
    const r = runScript(ENFORCE_CLI, [...TENANT_A, '--error-on-replace', '--stats'], input);
    expect(r.stderr.toString()).toBe(
      'enforce: 5 queries: 2 enforced, 3 refused (illegal-label-matcher 1, input 1, parse 1)\n'
    );
    expect(r.stdout.toString().split('\n')).toHaveLength(6);
  });

  it('--help describes every flag and exits 0', () => {
    const r = runScript(ENFORCE_CLI, ['--help']);
    const help = r.stdout.toString();
    expect(r.status).toBe(0);
    for (const f of FLAGS) {
      expect(help).toContain(f.flag);
      expect(help).toContain(f.help);
    }
    expect(help).toMatch(/Exit status: 0 all enforced, 1 some refused, 2 bad usage/);
  });

  it('suggests --grafana for a refused query with a $, and not with --grafana', () => {
    const single = runScript(ENFORCE_CLI, [...TENANT_A, 'rate(x[$__rate_interval])']);
    expect(single.status).toBe(1);
    expect(single.stderr.toString()).toMatch(/a refused query contains "\$": .* add --grafana/);
    const lines = runScript(ENFORCE_CLI, TENANT_A, '{"expr":"x{a=\\"$v\\"} > $t"}\n{"expr":"up[$__range]"}\n');
    expect(lines.stderr.toString()).toMatch(/2 refused queries contain "\$": .* add --grafana/);
    expect(lines.stdout.toString()).not.toMatch(/--grafana/); // the answers stay as they were
    const grafana = runScript(ENFORCE_CLI, [...TENANT_A, '--grafana', 'rate(x[$__rate_interval])']);
    expect(grafana.stdout.toString()).toBe('rate(x{tenant="a"}[$__rate_interval])\n');
    expect(grafana.stderr.toString()).toBe('');
  });

  it('--grafana takes the dashboard idioms [${__range_s}s], [${__interval_ms}ms], [$__range] and refuses a macro format that emits text', () => {
    const input = [
      'increase(x[${__range_s}s])',
      'rate(x[${__interval_ms}ms])',
      'increase(x[$__range])',
      'sum_over_time(x[${__range_s}s:${__interval_ms}ms] offset ${__range_s}s)',
      'sum(rate(x[${__interval:date:[5m]])[ or secret #]}]))',
      'x @ ${__to:date:seconds}',
    ].join('\n');
    const r = runScript(ENFORCE_CLI, [...TENANT_A, '--grafana', '--lines', '--stats'], input);
    expect(r.stdout.toString().split('\n')).toEqual([
      'increase(x{tenant="a"}[${__range_s}s])',
      'rate(x{tenant="a"}[${__interval_ms}ms])',
      'increase(x{tenant="a"}[$__range])',
      'sum_over_time(x{tenant="a"}[${__range_s}s:${__interval_ms}ms] offset ${__range_s}s)',
      '',
      'x{tenant="a"} @ ${__to:date:seconds}',
      '',
    ]);
    expect(r.stderr.toString()).toMatch(
      /^enforce: line 5: unsupported: cannot enforce Grafana macro \$\{__interval:date:/
    );
    expect(r.stderr.toString()).toMatch(/enforce: 6 queries: 5 enforced, 1 refused \(unsupported 1\)\n$/);
    expect(r.status).toBe(1);
  });

  it.each([
    [
      ['--label', 'tenant', '--value', 'a', '--lang', 'sql', 'up'],
      /--lang sql is not supported; choose one of: promql/,
    ],
    [['--value', 'a', 'up'], /--label \(with --value\) or --rule is required/],
    [['--rule', '{env=~".*"}', 'up'], /--rule: rule 1 .*matches the empty string/],
    [['--rule', 'up{tenant="a"}', 'up'], /--rule: rule 1 .*in braces/],
    [['--label', 'tenant', '--value', 'a', '--lines', 'up'], /either --lines or a QUERY/],
    [['--label', 'tenant', '--value', 'a', '--stats=yes'], /--stats takes no value/],
    [['--label', 'tenant', '--bogus'], /unknown option --bogus; see --help/],
  ])('bad usage %j exits 2 naming the problem', (args, message) => {
    const r = runScript(ENFORCE_CLI, args);
    expect(r.status).toBe(2);
    expect(r.stderr.toString()).toMatch(message);
  });
});

describe('enforce CLI: label policies (--rule)', () => {
  it('unions the rules where `or` is legal, and --label/--value add one more rule', () => {
    const r = runScript(ENFORCE_CLI, [
      '--rule',
      '{tenant="a",env="prod"}',
      '--label',
      'cluster',
      '--value',
      'c1',
      'sum(rate(x[5m]))',
    ]);
    expect(r.stderr.toString()).toBe('');
    expect(r.stdout.toString()).toBe('sum((rate(x{tenant="a",env="prod"}[5m]) or rate(x{cluster="c1"}[5m])))\n');
  });

  it('keeps Grafana variables in every copy with --grafana, and refuses what a union cannot express', () => {
    const rules = ['--rule', '{tenant="a"}', '--rule', '{env="prod"}'];
    const grafana = runScript(ENFORCE_CLI, [...rules, '--grafana', 'rate(x{job="$job"}[$__rate_interval])']);
    expect(grafana.stdout.toString()).toBe(
      '(rate(x{job="$job",tenant="a"}[$__rate_interval]) or rate(x{job="$job",env="prod"}[$__rate_interval]))\n'
    );
    const lines = runScript(
      ENFORCE_CLI,
      [...rules, '--grafana'],
      '{"expr":"label_values(up, job)"}\n{"expr":"x[5m]"}\n'
    );
    expect(lines.status).toBe(1);
    const answers = lines.stdout
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(answers[0].error.message).toMatch(/label_values\(\) takes one series selector/);
    expect(answers[1].error.message).toMatch(/no function consumes/);
  });
});
