/**
 * Bytes from a stream → lines, exactly as Node's readline (which the CLI used before it read in
 * chunks) splits them, so that answers and their line numbers stay the same:
 * - a line ends at `\n`, `\r\n` or a lone `\r` (readline's lineEnding `/\r?\n|\r(?!\n)/`), also when
 *   the `\r` and the `\n` arrive in different chunks (crlfDelay: Infinity);
 * - bytes are decoded as UTF-8 with a StringDecoder, so a character split between chunks is joined,
 *   and invalid bytes become U+FFFD;
 * - an unterminated last line is a line; an incomplete character at the very end of the input is
 *   dropped, as readline drops it (it never flushes its decoder).
 * Source: lib/internal/readline/interface.js ([kNormalWrite], onend) in Node 20.
 */
import { StringDecoder } from 'string_decoder';

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  /** Text of the line being read, from earlier chunks. */
  private carry = '';
  /** The previous chunk ended with `\r`: a `\n` starting this one belongs to it. */
  private afterCr = false;

  /** Feeds one chunk; calls `onLine` for every line it completes, in order. */
  push(chunk: Buffer | string, onLine: (line: string) => void): void {
    if (chunk.length === 0) {
      return; // a stream never delivers an empty chunk; readline would not see one
    }
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.afterCr) {
      this.afterCr = false;
      if (text.charCodeAt(0) === 10) {
        text = text.slice(1);
      }
    }
    let lineStart = 0;
    let lf = text.indexOf('\n');
    let cr = text.indexOf('\r'); // rare: one scan per chunk when there is none
    while (lf >= 0 || cr >= 0) {
      let end: number;
      let next: number;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        end = cr;
        next = text.charCodeAt(cr + 1) === 10 ? cr + 2 : cr + 1;
      } else {
        end = lf;
        next = lf + 1;
      }
      const line = this.carry === '' ? text.slice(lineStart, end) : this.carry + text.slice(lineStart, end);
      this.carry = '';
      lineStart = next;
      onLine(line);
      if (lf >= 0 && lf < next) {
        lf = text.indexOf('\n', next);
      }
      if (cr >= 0 && cr < next) {
        cr = text.indexOf('\r', next);
      }
    }
    // A chunk ending in `\r` ended its line there; a `\n` opening the next chunk is part of it.
    this.afterCr = text.charCodeAt(text.length - 1) === 13;
    if (lineStart < text.length) {
      this.carry += text.slice(lineStart);
    }
  }

  /** Ends the input: the unterminated last line, if any, is a line. */
  end(onLine: (line: string) => void): void {
    if (this.carry !== '') {
      const last = this.carry;
      this.carry = '';
      onLine(last);
    }
  }
}
