/**
 * The original tasks CLI's flag forms (`python scripts/tasks.py --init-context ID --format json`), so
 * agent prompts written for it work unchanged: each names the verb it stands for. `@qa` and `@metrics`
 * are verbs of `st3 qa` and `st3 metrics`.
 */
export const SEED_FORMS: Readonly<Record<string, { verb: readonly string[]; takesId: boolean }>> = {
  '--list': { verb: ['list'], takesId: false },
  '--init-context': { verb: ['context', 'init'], takesId: true },
  '--get-context': { verb: ['context', 'show'], takesId: true },
  '--attach-evidence': { verb: ['evidence', 'attach'], takesId: true },
  '--list-evidence': { verb: ['evidence', 'list'], takesId: true },
  '--attach-standard': { verb: ['standards', 'attach'], takesId: true },
  '--add-exception': { verb: ['exceptions', 'add'], takesId: true },
  '--list-exceptions': { verb: ['exceptions', 'list'], takesId: false },
  '--resolve-exception': { verb: ['exceptions', 'resolve'], takesId: true },
  '--cleanup-exceptions': { verb: ['exceptions', 'cleanup'], takesId: false },
  '--list-quarantined': { verb: ['quarantine', 'list'], takesId: false },
  '--repair-quarantined': { verb: ['quarantine', 'repair'], takesId: true },
  '--release-quarantine': { verb: ['quarantine', 'release'], takesId: true },
  '--record-qa': { verb: ['@qa', 'record'], takesId: true },
  '--run-validation': { verb: ['run-validation'], takesId: true },
  '--snapshot-worktree': { verb: ['worktree', 'snapshot'], takesId: true },
  '--verify-worktree': { verb: ['worktree', 'verify'], takesId: true },
  '--collect-metrics': { verb: ['@metrics', 'collect'], takesId: true },
  '--generate-metrics-dashboard': { verb: ['@metrics', 'dashboard'], takesId: false },
  '--compare-metrics': { verb: ['@metrics', 'compare'], takesId: false },
};

/** `--format json` → `--json`; `--format text` is the default and goes away. Other values are left for the parser. */
function normaliseFormat(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const value = a === '--format' ? argv[i + 1] : a.startsWith('--format=') ? a.slice(9) : undefined;
    if (value === 'json' || value === 'text') {
      if (value === 'json') out.push('--json');
      if (a === '--format') i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/**
 * The verb and arguments a seed form stands for: `['--init-context', 'T', '--format', 'json']` →
 * `{verb: ['context', 'init'], argv: ['T', '--json']}`. `--get-context ID --diff` is `context diff`.
 * Without a seed form, a `--format json|text` still becomes `--json` (or nothing); otherwise undefined.
 */
export function seedForm(argv: readonly string[]): { verb: string[]; argv: string[] } | undefined {
  const end = argv.indexOf('--');
  const scan = end === -1 ? argv : argv.slice(0, end);
  const at = scan.findIndex((a) => Object.hasOwn(SEED_FORMS, a.split('=')[0]!));
  if (at === -1) {
    const normalised = normaliseFormat(argv);
    return normalised.join('\0') === argv.join('\0') ? undefined : { verb: [], argv: normalised };
  }
  const [flag, inline] = argv[at]!.split(/=(.*)/s) as [string, string | undefined];
  const form = SEED_FORMS[flag]!;
  const rest = [...argv.slice(0, at)];
  let next = at + 1;
  if (form.takesId) {
    const id = inline ?? (argv[next] !== undefined && !argv[next]!.startsWith('-') ? argv[next++] : undefined);
    if (id !== undefined) rest.push(id);
  }
  rest.push(...argv.slice(next));
  let verb = [...form.verb];
  const diff = rest.indexOf('--diff');
  if (flag === '--get-context' && diff !== -1) {
    verb = ['context', 'diff'];
    rest.splice(diff, 1);
  }
  return { verb, argv: normaliseFormat(rest) };
}
