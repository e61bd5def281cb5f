import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadFile, St3Error, RunStateSchema, type RunState } from '@st3/schemas';
import { readdirIfThere, withFileLock, writeFileAtomic } from '../fs.js';

/** Where a run's state goes. `execute` calls `save` after node transitions (coalesced and paced). */
export interface RunStore {
  save(state: RunState): Promise<void>;
}

/** One saved run, as `list` gives it. */
export interface RunSummary {
  id: string;
  status: RunState['status'];
  updatedAt: string;
  nodes: number;
}

/** A run record `list` could not read (E_PARSE, E_SCHEMA, E_FILE_READ), located, with why. */
export interface UnreadableRun {
  /** The record's name without `.json` (its run id, unless the file was renamed). */
  id: string;
  file: string;
  code: string;
  message: string;
  line?: number;
  column?: number;
  hint: string;
}

/** The saved runs (by file name) and the records among them that could not be read. */
export interface RunListing {
  runs: RunSummary[];
  unreadable: UnreadableRun[];
}

export interface FileRunStore extends RunStore {
  readonly dir: string;
  load(id: string): Promise<RunState>;
  /**
   * Every run record of the folder. One that cannot be read or fails its schema is listed in
   * `unreadable` (never skipped: a listing without it could say every run succeeded).
   */
  list(): Promise<RunListing>;
  pathOf(id: string): string;
  /**
   * Runs `fn` holding run `id` (a lock beside its file, kept fresh while `fn` runs): a second process
   * executing the same run — a `--resume` of a run still running — is refused with E_LOCKED at once,
   * instead of two processes interleaving its record and its nodes.
   */
  exclusive<T>(id: string, fn: () => Promise<T>): Promise<T>;
}

const ID = /^[A-Za-z0-9._-]+$/;

/** A fresh, sortable run id: `run-20260122-041500-a1b2c3`. */
export function newRunId(date = new Date()): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `run-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Run states as `<dir>/<id>.json` (normally `.st3/runs/`), written atomically. */
export function createFileRunStore(dir: string): FileRunStore {
  const pathOf = (id: string) => {
    if (!ID.test(id))
      throw new St3Error('E_USAGE', `invalid run id "${id}"`, {
        hint: 'run ids use letters, digits, ".", "_" and "-"',
      });
    return join(dir, `${id}.json`);
  };
  return {
    dir,
    pathOf,
    async exclusive(id, fn) {
      let entered = false;
      try {
        return await withFileLock(
          pathOf(id),
          () => {
            entered = true;
            return fn();
          },
          { timeoutMs: 0 },
        );
      } catch (error) {
        if (entered || (error as { code?: string }).code !== 'E_LOCKED') throw error;
        throw new St3Error(
          'E_LOCKED',
          `run "${id}" is being executed by another process: ${(error as Error).message}`,
          {
            file: `${pathOf(id)}.lock`,
            hint: 'wait for that execution to finish (or stop it), then resume the run',
          },
        );
      }
    },
    async save(state) {
      const file = pathOf(state.id);
      // A record that fails its own schema cannot be resumed and would be unreadable to the next run's
      // ledger: refusing it here makes the run an error instead of a green that a later run undoes.
      const checked = RunStateSchema.safeParse(state);
      if (!checked.success) throw invalidRecord(file, checked.error.issues);
      await writeFileAtomic(file, `${JSON.stringify(state)}\n`);
    },
    async load(id) {
      const file = pathOf(id);
      const result = await loadFile(file, { schema: RunStateSchema });
      if (result.errors.some((d) => d.code === 'E_FILE_NOT_FOUND')) {
        throw new St3Error('E_RUN_NOT_FOUND', `no saved run "${id}" in ${dir}`, {
          file,
          hint: 'saved runs are the *.json files of .st3/runs/',
        });
      }
      if (!result.value) {
        const first = result.errors[0];
        throw new St3Error(
          first?.code ?? 'E_SCHEMA',
          `run state ${file} is unreadable: ${first?.message ?? 'invalid'}`,
          { file, line: first?.line, column: first?.column, diagnostics: result.errors },
        );
      }
      return result.value;
    },
    async list() {
      const names = await readdirIfThere(dir); // unlistable: E_FILE_READ, never "no runs"
      const listing: RunListing = { runs: [], unreadable: [] };
      for (const name of names.sort()) {
        if (!name.endsWith('.json')) continue;
        const file = join(dir, name);
        const r = await loadFile(file, { schema: RunStateSchema });
        if (r.value) listing.runs.push(summaryOf(r.value));
        // Vanished since the listing (a run being removed): not a record any more.
        else if (!r.errors.some((d) => d.code === 'E_FILE_NOT_FOUND'))
          listing.unreadable.push(unreadableRun(name.slice(0, -'.json'.length), file, r.errors[0]));
      }
      return listing;
    },
  };
}

function summaryOf(run: RunState): RunSummary {
  return { id: run.id, status: run.status, updatedAt: run.updatedAt, nodes: Object.keys(run.nodes).length };
}

/** A record `list` could not read, with the loader's first diagnostic (as the ledger reports it). */
function unreadableRun(
  id: string,
  file: string,
  first: { code: string; message: string; line?: number; column?: number } | undefined,
): UnreadableRun {
  return {
    id,
    file,
    code: first?.code ?? 'E_SCHEMA',
    message: `run record ${file} is unreadable: ${first?.message ?? 'invalid'}`,
    ...(first?.line !== undefined ? { line: first.line } : {}),
    ...(first?.column !== undefined ? { column: first.column } : {}),
    hint: 'its status is unknown, and `st3 execute` stops at it until it is read: fix the field named (st3 validate)',
  };
}

/** E_SCHEMA for a run state that does not match RunStateSchema (nothing was written). */
function invalidRecord(file: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): St3Error {
  const where = (i: (typeof issues)[number]) => i.path.map(String).join('.') || '(root)';
  const listed = issues.slice(0, 5).map((i) => `${where(i)}: ${i.message}`);
  return new St3Error(
    'E_SCHEMA',
    `run state ${file} was not saved: it does not match its schema (${listed.join('; ')})`,
    {
      file,
      hint: 'a node runner or agent reported a value the run record cannot hold; the message names the field',
      details: { issues: listed },
    },
  );
}
