import { watch, type FSWatcher } from 'fs';
import { readFile } from 'fs/promises';
import path from 'path';
import type { Logger } from '../log';

export interface WatchedFileOptions<T> {
  path: string;
  /** What the file is, for messages: "tokens file", "team mapping file". */
  what: string;
  /** Parses and validates the whole text; throws an Error whose message names the problem. */
  parse(text: string): T;
  /** A few counts for the reload log line (never secrets or tenant data). */
  summary(value: T): Record<string, number>;
  logger: Logger;
  /** Poll period, for file systems where fs.watch says nothing (NFS, some container mounts). */
  pollIntervalMs: number;
}

/**
 * A configuration file the proxy follows while it runs: loaded once at start (a broken file stops
 * the start), then re-read when fs.watch reports a change in its directory (which also catches
 * atomic renames and Kubernetes ConfigMap symlink swaps), every `pollIntervalMs`, and on reload()
 * (SIGHUP). A new version replaces the old one in one assignment, so a request sees either the
 * old or the new version and none is dropped; a version that does not parse is logged with the
 * reason and the last good one stays in force (fail closed: never an empty or partial file).
 */
export class WatchedFile<T> {
  private value: T | null = null;
  /** Text of the last version read, good or bad: an unchanged file is not parsed (or logged) again. */
  private lastText: string | null = null;
  private watcher: FSWatcher | null = null;
  private poll: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly o: WatchedFileOptions<T>) {}

  current(): T {
    if (this.value === null) {
      throw new Error(`${this.o.what} ${this.o.path} is not loaded yet`);
    }
    return this.value;
  }

  /** First load: throws naming the file and the problem, so the proxy refuses to start. */
  async start(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.o.path, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the ${this.o.what} ${this.o.path}: ${(err as Error).message}`);
    }
    try {
      this.value = this.o.parse(text);
    } catch (err) {
      throw new Error(`${this.o.what} ${this.o.path}: ${(err as Error).message}`);
    }
    this.lastText = text;
    try {
      this.watcher = watch(path.dirname(path.resolve(this.o.path)), { persistent: false }, () => this.soon());
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      this.watcher = null; // polling alone
    }
    this.poll = setInterval(() => void this.reload('poll'), this.o.pollIntervalMs);
    this.poll.unref();
  }

  /** Re-reads the file now; resolves when done (errors are logged, never thrown). */
  reload(trigger: 'signal' | 'watch' | 'poll' = 'signal'): Promise<void> {
    this.chain = this.chain.then(() => this.readAndSwap(trigger));
    return this.chain;
  }

  close(): void {
    this.watcher?.close();
    if (this.poll) {
      clearInterval(this.poll);
    }
    if (this.debounce) {
      clearTimeout(this.debounce);
    }
  }

  /** Editors and `mv` produce several events for one change: read once they settle. */
  private soon(): void {
    if (this.debounce) {
      clearTimeout(this.debounce);
    }
    this.debounce = setTimeout(() => void this.reload('watch'), 50);
    this.debounce.unref();
  }

  private async readAndSwap(trigger: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.o.path, 'utf8');
    } catch (err) {
      if (this.lastText !== '\0unreadable') {
        this.lastText = '\0unreadable';
        this.o.logger({
          level: 'warn',
          msg: `${this.o.what} unreadable, keeping the last good version`,
          file: this.o.path,
          trigger,
          error: (err as Error).message,
        });
      }
      return;
    }
    if (text === this.lastText) {
      return;
    }
    this.lastText = text;
    let next: T;
    try {
      next = this.o.parse(text);
    } catch (err) {
      this.o.logger({
        level: 'warn',
        msg: `${this.o.what} rejected, keeping the last good version`,
        file: this.o.path,
        trigger,
        error: (err as Error).message,
      });
      return;
    }
    this.value = next;
    this.o.logger({
      level: 'info',
      msg: `${this.o.what} reloaded`,
      file: this.o.path,
      trigger,
      ...this.o.summary(next),
    });
  }
}
