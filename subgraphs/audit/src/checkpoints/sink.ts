import { constants } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { SignedCheckpoint } from './checkpoint.js';

/**
 * The second, independent home of the signed checkpoints, outside the audit database:
 * what an insider with full rights on the database cannot reach. The default is an
 * append-only JSON-lines file (`AUDIT_CHECKPOINT_FILE`, default
 * `<DATA_DIR>/audit-checkpoints.jsonl`); docs/audit.md says how to put it on WORM storage.
 */
export interface CheckpointSink {
  /** Where the checkpoints go, for messages. */
  readonly description: string;
  /** Appends one checkpoint; resolves once it is durable (fsync). */
  append(checkpoint: SignedCheckpoint): Promise<void>;
  /** Every checkpoint in the order written, and the lines that are not checkpoints. */
  readAll(): Promise<SinkContents>;
  /** The last checkpoint written, if any. */
  last(): Promise<SignedCheckpoint | undefined>;
}

export interface SinkContents {
  checkpoints: SignedCheckpoint[];
  /** Line numbers (1-based) that do not parse as a checkpoint (e.g. a write cut short). */
  unreadableLines: number[];
}

const signedCheckpoint = z.strictObject({
  number: z.number().int().min(1),
  sequence: z.number().int().min(1),
  headHash: z.string().regex(/^[0-9a-f]{64}$/),
  signedAt: z.string().min(1),
  keyId: z.string().min(1),
  signature: z.string().min(1),
});

function parseLine(line: string): SignedCheckpoint | undefined {
  try {
    const parsed = signedCheckpoint.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function parseLines(text: string): SinkContents {
  const contents: SinkContents = { checkpoints: [], unreadableLines: [] };
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const checkpoint = parseLine(line);
    if (checkpoint) contents.checkpoints.push(checkpoint);
    else contents.unreadableLines.push(index + 1);
  });
  return contents;
}

/** Where the sink is by default: `<dataDir>/audit-checkpoints.jsonl` (AUDIT_CHECKPOINT_FILE moves it). */
export function defaultCheckpointFile(dataDir: string): string {
  return path.resolve(dataDir, 'audit-checkpoints.jsonl');
}

/** Enough of the file's end to hold its last lines (a checkpoint line is ~250 bytes). */
const TAIL_BYTES = 64 * 1024;

/**
 * One JSON line per checkpoint, appended with O_APPEND and fsync'd; the service never
 * truncates, rewrites or seeks in it, so the file can carry the append-only attribute
 * (`chattr +a`) or live on storage that only allows appending.
 */
export function fileCheckpointSink(file: string): CheckpointSink {
  const absolute = path.resolve(file);
  return {
    description: absolute,
    async append(checkpoint) {
      await mkdir(path.dirname(absolute), { recursive: true });
      const handle = await open(absolute, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o640);
      try {
        // A line cut short by a crash must not swallow the next checkpoint.
        const { size } = await handle.stat();
        const separator = size > 0 && !(await endsWithNewline(absolute, size)) ? '\n' : '';
        await handle.write(`${separator}${JSON.stringify(checkpoint)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async readAll() {
      try {
        return parseLines(await readFile(absolute, 'utf8'));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { checkpoints: [], unreadableLines: [] };
        throw error;
      }
    },
    async last() {
      let handle;
      try {
        handle = await open(absolute, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      try {
        const { size } = await handle.stat();
        const length = Math.min(size, TAIL_BYTES);
        const buffer = Buffer.alloc(length);
        await handle.read(buffer, 0, length, size - length);
        const lines = buffer.toString('utf8').split('\n');
        if (length < size) lines.shift(); // the first line of the tail may be cut
        for (const line of lines.reverse()) {
          const checkpoint = line.trim() === '' ? undefined : parseLine(line);
          if (checkpoint) return checkpoint;
        }
        return undefined;
      } finally {
        await handle.close();
      }
    },
  };
}

async function endsWithNewline(file: string, size: number): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last.toString('utf8') === '\n';
  } finally {
    await handle.close();
  }
}

/** In memory, for a service whose database is in memory too (tests). */
export function memoryCheckpointSink(): CheckpointSink & { lines: SignedCheckpoint[] } {
  const lines: SignedCheckpoint[] = [];
  return {
    description: 'memory',
    lines,
    append: async (checkpoint) => {
      lines.push({ ...checkpoint });
    },
    readAll: async () => ({ checkpoints: lines.map((c) => ({ ...c })), unreadableLines: [] }),
    last: async () => (lines.length > 0 ? { ...lines[lines.length - 1]! } : undefined),
  };
}
