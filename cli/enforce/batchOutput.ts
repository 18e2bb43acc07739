/**
 * Answers collected in memory and written in batches: one `write` per input chunk instead of one
 * per line (a write per line was most of the old CLI's cost, issue #19). `flush` waits for 'drain'
 * when the stream's buffer is full, and the caller reads no more input until it returns, so a slow
 * consumer slows the producer down instead of filling memory.
 */
import type { Writable } from 'stream';

export class BatchOutput {
  private parts: string[] = [];
  private failure: Error | undefined;

  constructor(private readonly out: Writable) {
    // Without a listener a closed pipe (EPIPE) would crash the process with a stack trace.
    out.on('error', (err: Error) => {
      this.failure ??= err;
    });
  }

  add(text: string): void {
    this.parts.push(text);
  }

  /** Writes what was added; resolves once the stream can take more. Rejects if the stream failed. */
  async flush(): Promise<void> {
    this.throwIfFailed();
    if (this.parts.length === 0) {
      return;
    }
    const text = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    this.parts = [];
    if (!this.out.write(text)) {
      await this.drained();
    }
    this.throwIfFailed();
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('error', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('error', done);
      this.out.on('close', done);
    });
  }

  private throwIfFailed(): void {
    if (this.failure) {
      throw new OutputError(this.failure);
    }
  }
}

/** The output stream failed (e.g. the reader went away): the answers not yet written are lost. */
export class OutputError extends Error {
  constructor(readonly cause: Error) {
    super(`cannot write the answers: ${cause.message}`);
    this.name = 'OutputError';
  }
}
