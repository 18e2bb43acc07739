/**
 * The batch path: stdin read in chunks, lines answered synchronously, each chunk's answers written
 * with one `write`. Reading waits while the output is backed up (BatchOutput.flush), so memory
 * stays bounded by a chunk's answers whatever the speed of the consumer, and answers keep the
 * order of their lines.
 */
import type { Readable, Writable } from 'stream';
import { BatchOutput } from './batchOutput';
import type { LineAnswerer } from './answers';
import { LineSplitter } from './lineSplitter';

export async function answerLines(input: Readable, output: Writable, answer: LineAnswerer): Promise<void> {
  const splitter = new LineSplitter();
  const out = new BatchOutput(output);
  let lineNo = 0;
  const onLine = (line: string) => {
    lineNo++;
    const text = answer(line, lineNo);
    if (text !== '') {
      out.add(text);
    }
  };
  // The async iterator reads the next chunk only when asked, i.e. after the previous chunk's
  // answers were handed to the output and it had room for them.
  for await (const chunk of input) {
    splitter.push(chunk as Buffer | string, onLine);
    // Flushed per chunk, not only when a batch is full: a producer that waits for the answer to
    // its line before sending the next one (a co-process) must get it.
    await out.flush();
  }
  splitter.end(onLine);
  await out.flush();
}
