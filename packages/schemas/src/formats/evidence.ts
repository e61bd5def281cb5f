import { z } from 'zod';
import { QaSummarySchema } from './qa.js';

/**
 * Records of `@st3/evidence`: the task context (`context.json`), the evidence index, the per-file
 * index of an archived directory, the exception ledger, the quarantine index, validation commands
 * and their results, worktree snapshots, and the `.st3/config/tasks.yaml` settings.
 */
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits (SHA-256)');
const isoTime = z.string();

export const EVIDENCE_TYPES = [
  'file',
  'directory',
  'archive',
  'log',
  'screenshot',
  'qa_output',
  'summary',
  'diff',
] as const;
export const EvidenceTypeSchema = z.enum(EVIDENCE_TYPES);
export type EvidenceType = z.infer<typeof EvidenceTypeSchema>;

/** Where tasks, contexts, the ledger and the quarantine live (paths relative to the workspace root). */
export const TasksConfigSchema = z
  .object({
    /** Folders searched for `*.task.yaml` (active and completed ones). */
    task_dirs: z.array(z.string()).default(['tasks', 'docs/completed-tasks']),
    /** Folder holding one context folder per task. */
    context_dir: z.string().default('.st3/tasks'),
    ledger: z.string().default('docs/compliance/context-cache-exceptions.json'),
    quarantine_dir: z.string().default('docs/compliance/quarantine'),
    /** Folder the `standards/<file>.md#anchor` citations resolve against (default: the workspace root). */
    standards_root: z.string().default('.'),
  })
  .loose();
export type TasksConfig = z.infer<typeof TasksConfigSchema>;

export const QaMetadataSchema = z
  .object({
    command: z.string().min(1),
    exit_code: z.number().int(),
    duration_ms: z.number().nonnegative(),
  })
  .loose();

export const EvidenceEntrySchema = z.object({
  /** First 16 hex digits of the SHA-256 of the stored bytes. */
  id: z.string().regex(/^[0-9a-f]{16}$/),
  type: EvidenceTypeSchema,
  /** The stored file, relative to the task's `evidence/` folder: `<id><ext>`. */
  stored: z.string(),
  /** Where it came from, relative to the workspace root when inside it. */
  source: z.string(),
  sha256,
  size: z.number().int().nonnegative(),
  description: z.string().max(200),
  attached_at: isoTime,
  metadata: z.record(z.string(), z.unknown()).optional(),
  /** For a directory: the per-file index stored beside the archive. */
  archive_index: z.string().optional(),
  file_count: z.number().int().nonnegative().optional(),
});
export type EvidenceEntry = z.infer<typeof EvidenceEntrySchema>;

export const EvidenceIndexSchema = z.object({
  version: z.literal(1),
  task_id: z.string(),
  entries: z.array(EvidenceEntrySchema),
});
export type EvidenceIndex = z.infer<typeof EvidenceIndexSchema>;

/**
 * A name inside an archive: `path` is the UTF-8 text of the name; when the name's bytes are not valid
 * UTF-8, `path` shows them with `\xNN` escapes and `path_base64` holds the exact bytes.
 */
const archivePath = { path: z.string(), path_base64: z.string().optional() };

/** The per-file index of a directory archive, sorted by path bytes. */
export const ArchiveIndexSchema = z.object({
  version: z.literal(1),
  root: z.string(),
  archive_sha256: sha256,
  files: z.array(z.object({ ...archivePath, size: z.number().int().nonnegative(), sha256 })),
  /** Entries not stored: symlinks whose target leaves the folder (or cannot be resolved), special files. */
  left_out: z
    .array(
      z.object({
        ...archivePath,
        kind: z.enum(['symlink', 'special']),
        target: z.string().optional(),
        reason: z.string(),
      }),
    )
    .optional(),
});
export type ArchiveIndex = z.infer<typeof ArchiveIndexSchema>;

export const StandardsExcerptSchema = z.object({
  /** First 8 hex digits of the content's SHA-256. */
  id: z.string().regex(/^[0-9a-f]{8}$/),
  file: z.string(),
  section: z.string(),
  heading_level: z.number().int().min(2).max(6),
  sha256,
  cached: z.string(),
  extracted_at: isoTime,
  stale: z.boolean().optional(),
});
export type StandardsExcerpt = z.infer<typeof StandardsExcerptSchema>;

export const RetryPolicySchema = z.object({
  attempts: z.number().int().min(1).max(10).default(1),
  backoff_ms: z.number().int().nonnegative().default(0),
  /** Each retry waits backoff_ms × factor^(attempt-1). */
  factor: z.number().min(1).default(2),
});

export const ValidationCommandSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  /**
   * argv (never through a shell), or a string: split into argv by POSIX quoting rules at run time, run by
   * `sh -c` only when `shell: true` (or when the run allows a shell on purpose); a string that needs a
   * shell is otherwise refused when it would run (ADR 0103).
   */
  command: z.union([z.array(z.string()).min(1), z.string().min(1)]),
  shell: z.boolean().default(false),
  description: z.string().default(''),
  cwd: z.string().default('.'),
  env: z.record(z.string(), z.string()).default({}),
  expected_paths: z.array(z.string()).default([]),
  blocker_id: z.string().nullable().default(null),
  timeout_ms: z.number().int().positive().default(600_000),
  retry: RetryPolicySchema.default({ attempts: 1, backoff_ms: 0, factor: 2 }),
  expected_exit_codes: z.array(z.number().int()).min(1).default([0]),
});
export type ValidationCommand = z.infer<typeof ValidationCommandSchema>;
export type ValidationCommandInput = z.input<typeof ValidationCommandSchema>;

export const ValidationResultSchema = z.object({
  id: z.string(),
  status: z.enum(['passed', 'failed', 'skipped', 'error']),
  skip_reason: z.string().optional(),
  exit_code: z.number().int().nullable(),
  expected: z.boolean(),
  duration_ms: z.number().nonnegative(),
  attempts: z.number().int().nonnegative(),
  timed_out: z.boolean(),
  stdout_tail: z.string(),
  stderr_tail: z.string(),
  error: z.string().optional(),
  started_at: isoTime,
});
export type ValidationResult = z.infer<typeof ValidationResultSchema>;

export const WorktreeSnapshotSchema = z.object({
  /** The agent that took the snapshot (`--agent` or `ST3_AGENT`), checked by `worktree verify --expected-agent`. */
  agent: z.string().nullable().optional(),
  head: z.string().nullable(),
  branch: z.string().nullable(),
  taken_at: isoTime,
  /** Dirty files (modified, added, untracked, deleted) and the SHA-256 of their content (null = deleted). */
  dirty: z.array(z.object({ path: z.string(), status: z.string(), sha256: sha256.nullable() })),
});
export type WorktreeSnapshot = z.infer<typeof WorktreeSnapshotSchema>;

export const TaskContextSchema = z.object({
  schema_version: z.literal(1),
  manifest: z.object({
    task_id: z.string(),
    task_file: z.string(),
    created_at: isoTime,
    updated_at: isoTime,
    tool: z.string(),
  }),
  /** Written once by `init`; later commands never change it. */
  immutable: z.object({
    title: z.string(),
    task_schema_version: z.string(),
    acceptance_criteria: z.unknown(),
    plan: z.unknown(),
    scope: z.unknown(),
    deliverables: z.unknown(),
    snapshot: z.object({ path: z.string(), sha256 }),
    checklists: z.array(z.object({ source: z.string(), path: z.string(), sha256 })),
  }),
  evidence: z.array(z.object({ id: z.string(), type: EvidenceTypeSchema, sha256 })),
  standards: z.array(StandardsExcerptSchema),
  validation_commands: z.array(z.unknown()),
  /** `qa`: the baseline QA summary per `<kind>:<command>` key (`st3 qa record`, compared by `st3 qa drift`). */
  validation_baseline: z
    .object({
      recorded_at: isoTime,
      results: z.array(ValidationResultSchema),
      qa: z.record(z.string(), QaSummarySchema).optional(),
    })
    .nullable(),
  validation_runs: z.array(ValidationResultSchema),
  /** The latest worktree snapshot. */
  worktree: WorktreeSnapshotSchema.nullable(),
  /** The latest snapshot of each agent that took one (agents hand the tree over to each other). */
  worktree_by_agent: z.record(z.string(), WorktreeSnapshotSchema).optional(),
  warnings: z.array(z.object({ code: z.string(), message: z.string() })),
});
export type TaskContext = z.infer<typeof TaskContextSchema>;

export const EXCEPTION_TYPES = [
  'malformed_yaml',
  'incomplete_task',
  'missing_standards',
  'invalid_schema',
  'other',
] as const;

export const LedgerExceptionSchema = z.object({
  task_id: z.string(),
  exception_type: z.enum(EXCEPTION_TYPES),
  detected_at: isoTime,
  remediation: z.object({
    owner: z.string(),
    status: z.enum(['open', 'in_progress', 'resolved']),
    deadline: z.string().nullable(),
    notes: z.string(),
    resolved_at: isoTime.nullable(),
  }),
  parse_error: z.string().nullable(),
  suppressed_warnings: z.array(z.string()),
  auto_remove_on: z.enum(['task_completion', 'task_deletion', 'manual']),
});
export type LedgerException = z.infer<typeof LedgerExceptionSchema>;

export const LedgerSchema = z.object({
  version: z.string(),
  last_updated: isoTime,
  exceptions: z.array(LedgerExceptionSchema),
});
export type Ledger = z.infer<typeof LedgerSchema>;

export const RepairAttemptSchema = z.object({
  at: isoTime,
  fixes: z.array(z.string()),
  success: z.boolean(),
  error: z.string().nullable(),
});

export const QuarantineEntrySchema = z.object({
  task_id: z.string(),
  original_path: z.string(),
  reason: z.string(),
  error_details: z.object({
    code: z.string(),
    message: z.string(),
    line: z.number().int().optional(),
    column: z.number().int().optional(),
  }),
  quarantined_at: isoTime,
  status: z.enum(['quarantined', 'repaired', 'resolved']),
  repair_attempts: z.array(RepairAttemptSchema),
  resolved_at: isoTime.nullable(),
});
export type QuarantineEntry = z.infer<typeof QuarantineEntrySchema>;

export const QuarantineIndexSchema = z.object({
  version: z.literal(1),
  last_updated: isoTime,
  entries: z.array(
    z.object({
      task_id: z.string(),
      original_path: z.string(),
      reason: z.string(),
      quarantined_at: isoTime,
      status: z.enum(['quarantined', 'repaired']),
    }),
  ),
});
export type QuarantineIndex = z.infer<typeof QuarantineIndexSchema>;
