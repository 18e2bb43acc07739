/** @jest-environment node */
/**
 * LineSplitter against Node's readline (what the CLI used before it read in chunks) on the same
 * byte chunks: for every input below, cut at every position (and at every pair of positions for
 * the short ones), both must produce the same lines. The inputs hold the cases issue #19 names:
 * a chunk boundary inside a line and inside a multi-byte character, CRLF, and an unterminated last
 * line.
 */
import { createInterface } from 'readline';
import { PassThrough } from 'stream';
import { LineSplitter } from '../../cli/enforce/lineSplitter';

function splitterLines(chunks: Buffer[]): string[] {
  const out: string[] = [];
  const s = new LineSplitter();
  for (const c of chunks) {
    s.push(c, (l) => out.push(l));
  }
  s.end((l) => out.push(l));
  return out;
}

async function readlineLines(chunks: Buffer[]): Promise<string[]> {
  const input = new PassThrough();
  const rl = createInterface({ input, crlfDelay: Infinity });
  const out: string[] = [];
  rl.on('line', (l) => out.push(l));
  const closed = new Promise((resolve) => rl.on('close', resolve));
  for (const c of chunks) {
    input.write(c);
    await new Promise((resolve) => setImmediate(resolve)); // one 'data' event per chunk
  }
  input.end();
  await closed;
  return out;
}

const bytes = (s: string) => Buffer.from(s, 'utf8');

const INPUTS: Array<[string, Buffer]> = [
  ['LF lines', bytes('{"expr":"up"}\n{"expr":"a{b=\\"c\\"}"}\n')],
  ['CRLF lines', bytes('{"expr":"up"}\r\n{"expr":"x"}\r\n\r\n')],
  ['lone CR ends a line (readline)', bytes('a\rb\r\rc\n')],
  ['unterminated last line', bytes('one\ntwo')],
  ['unterminated last line after CRLF', bytes('one\r\ntwo\r')],
  ['two-byte characters', bytes('{"expr":"x{a=\\"é\\"}"}\néé\n')],
  ['three- and four-byte characters', bytes('€\n{"expr":"x{a=\\"😀\\"}"}\n€😀')],
  ['blank and space-only lines', bytes('\n  \n\t\nx\n')],
  ['invalid UTF-8', Buffer.concat([bytes('a'), Buffer.from([0xff, 0xc3]), bytes('\nb\n')])],
  ['incomplete character at the very end', Buffer.concat([bytes('a\nb'), Buffer.from([0xe2, 0x82])])],
  ['empty input', Buffer.alloc(0)],
];

describe('LineSplitter splits like readline', () => {
  it.each(INPUTS)('%s, cut at every position', async (_name, input) => {
    for (let cut = 0; cut <= input.length; cut++) {
      const chunks = [input.subarray(0, cut), input.subarray(cut)];
      expect({ cut, lines: splitterLines(chunks) }).toEqual({ cut, lines: await readlineLines(chunks) });
    }
  });

  it.each(INPUTS.filter(([, input]) => input.length <= 40))('%s, cut at every two positions', async (_name, input) => {
    for (let a = 0; a <= input.length; a++) {
      for (let b = a; b <= input.length; b++) {
        const chunks = [input.subarray(0, a), input.subarray(a, b), input.subarray(b)];
        expect({ a, b, lines: splitterLines(chunks) }).toEqual({ a, b, lines: await readlineLines(chunks) });
      }
    }
  });

  it('joins a CR and an LF that arrive in different chunks into one line end', () => {
    expect(splitterLines([bytes('x\r'), bytes('\ny\n')])).toEqual(['x', 'y']);
  });

  it('joins a character split between chunks', () => {
    const e = bytes('é'); // c3 a9
    expect(
      splitterLines([Buffer.concat([bytes('"'), e.subarray(0, 1)]), Buffer.concat([e.subarray(1), bytes('"\n')])])
    ).toEqual(['"é"']);
  });
});
