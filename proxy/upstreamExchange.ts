import { Readable } from 'stream';
import type { Dispatcher } from 'undici';
import type { UpstreamResponse } from './upstream';

const CANCELLED = () =>
  new Error('the proxy cancelled the upstream request (the client left or --upstream-timeout passed)');

/** An upstream body fed by undici's dispatch handler; reading resumes a paused upstream. */
class UpstreamBody extends Readable {
  resumeUpstream: (() => void) | null = null;
  completed = false;

  constructor(private readonly abortUpstream: (err: Error) => void) {
    super();
  }

  override _read(): void {
    const resume = this.resumeUpstream;
    resume?.();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (!this.completed) {
      this.abortUpstream(err ?? new Error('the upstream answer was abandoned'));
    }
    callback(err);
  }
}

/**
 * One attempt, as an undici dispatch handler: cheaper per request than undici's request() (no
 * AbortController, no promise chain per body).
 *
 * The answer is handed over one microtask after its headers, i.e. once undici has parsed the rest
 * of the same socket read: when the body was complete in it, it goes over as one Buffer; otherwise
 * as a stream starting with the bytes read so far. Nothing waits for more data, so streaming of
 * large and slow answers is unchanged; what is held before the hand-over is at most what the
 * socket had buffered (tens of KiB).
 */
export class UpstreamExchange implements Dispatcher.DispatchHandlers {
  private abort: ((err?: Error) => void) | null = null;
  private cancelled = false;
  private statusCode = 0;
  private rawHeaders: Buffer[] = [];
  private resume: (() => void) | null = null;
  /** Body bytes received before the answer was handed over. */
  private early: Buffer[] = [];
  private complete = false;
  private earlyError: Error | null = null;
  private body: UpstreamBody | null = null;

  constructor(
    private readonly onAnswer: (res: UpstreamResponse) => void,
    private readonly onFailure: (err: Error) => void
  ) {}

  /** The client left or --upstream-timeout passed: the caller has answered already. */
  cancel(): void {
    this.cancelled = true;
    this.abort?.(CANCELLED());
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
    if (this.cancelled) {
      abort(CANCELLED());
    }
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (statusCode < 200) {
      return true; // 1xx informational: the real answer follows
    }
    this.statusCode = statusCode;
    this.rawHeaders = rawHeaders;
    this.resume = resume;
    queueMicrotask(() => this.handOver());
    return true;
  }

  private handOver(): void {
    // latin1 keeps header bytes as they are (they are written back as latin1).
    const rawHeaders = this.rawHeaders.map((b) => b.toString('latin1'));
    if (this.complete) {
      const early = this.early;
      this.onAnswer({
        statusCode: this.statusCode,
        rawHeaders,
        body: early.length === 1 ? early[0] : Buffer.concat(early),
      });
      return;
    }
    const body = new UpstreamBody((err) => this.abort?.(err));
    body.resumeUpstream = this.resume;
    for (const chunk of this.early) {
      body.push(chunk);
    }
    this.early = [];
    this.body = body;
    this.onAnswer({ statusCode: this.statusCode, rawHeaders, body });
    const failed = this.earlyError;
    if (failed) {
      // As for a failure after the hand-over, once the receiver listens to the body.
      setImmediate(() => this.onError(failed));
    }
  }

  onData(chunk: Buffer): boolean {
    if (this.body) {
      return this.body.push(chunk);
    }
    this.early.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.body) {
      this.body.completed = true;
      this.body.push(null);
    } else {
      this.complete = true;
    }
  }

  onError(err: Error): void {
    if (this.body) {
      // Without an 'error' listener (nobody reads the body any more) an error event would be thrown.
      this.body.destroy(this.body.listenerCount('error') > 0 ? err : undefined);
    } else if (this.statusCode !== 0) {
      this.earlyError = err; // the headers are in; handOver() passes the failure on
    } else {
      this.onFailure(err);
    }
  }
}
