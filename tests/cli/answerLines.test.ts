/** @jest-environment node */
/**
 * The batch path in process (cli/enforce/stream.ts) against a slow consumer: a Writable with a
 * small buffer that takes each write late. Answers must keep their order, none may be lost, and the
 * path must wait for 'drain' instead of piling answers into the stream's buffer — an
 * implementation that ignores write()'s return value fails the bound below.
 */
import { Readable, Writable } from 'stream';
import { jsonLineAnswerer, Tally } from '../../cli/enforce/answers';
import { languageEngine } from '../../cli/enforce/engines';
import { parseArgs } from '../../cli/enforce/options';
import { answerLines } from '../../cli/enforce/stream';

const engine = languageEngine(parseArgs(['--label', 'tenant', '--value', 'a']));

class SlowConsumer extends Writable {
  readonly received: Buffer[] = [];
  maxBuffered = 0;

  constructor() {
    super({ highWaterMark: 8 * 1024 });
  }

  override write(chunk: unknown, ...rest: unknown[]): boolean {
    const ok = super.write(chunk as Buffer, ...(rest as []));
    this.maxBuffered = Math.max(this.maxBuffered, this.writableLength);
    return ok;
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error) => void): void {
    this.received.push(chunk);
    setTimeout(done, 2);
  }
}

describe('answerLines with a slow consumer', () => {
  it('waits for drain between chunks and delivers every answer in order', async () => {
    const LINES = 5000;
    const CHUNK = 4096;
    const text = Buffer.from(Array.from({ length: LINES }, (_, i) => `{"expr":"m${i}"}\n`).join(''));
    let pulled = 0;
    // Chunks cut at fixed byte offsets, i.e. inside lines.
    const input = Readable.from(
      (function* () {
        for (let at = 0; at < text.length; at += CHUNK) {
          pulled++;
          yield text.subarray(at, at + CHUNK);
        }
      })(),
      { objectMode: false, highWaterMark: CHUNK }
    );
    const out = new SlowConsumer();
    const tally = new Tally();
    await answerLines(input, out, jsonLineAnswerer(engine, tally));
    await new Promise<void>((resolve) => out.end(resolve));

    const lines = Buffer.concat(out.received).toString('utf8').split('\n');
    expect(lines).toHaveLength(LINES + 1);
    lines
      .slice(0, LINES)
      .forEach((line, i) => expect(line).toBe(`{"expr":"m${i}","enforced":"m${i}{tenant=\\"a\\"}"}`));
    expect(tally.enforced).toBe(LINES);
    expect(pulled).toBe(Math.ceil(text.length / CHUNK));
    // Only the answers of what one read returns (a chunk or two) sit in the consumer's buffer;
    // without waiting for 'drain' it would hold most of the ~250 KB of answers.
    expect(out.maxBuffered).toBeLessThan(10 * CHUNK);
    expect(Buffer.concat(out.received).length).toBeGreaterThan(50 * CHUNK);
  });
});
