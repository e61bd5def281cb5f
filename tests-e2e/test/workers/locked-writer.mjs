// One of 8 concurrent writers of a locked ST3 file, through the real library call that owns it.
// argv: <kind> <workspace> <worker id> <count>. Prints "A <id>" for each acknowledged write.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [kind, root, worker, count] = process.argv.slice(2);
const repo = new URL('../../../', import.meta.url).pathname;
const load = (pkg) => import(pathToFileURL(join(repo, 'packages', pkg, 'dist', 'index.js')).href);
const ack = (id) => new Promise((r) => process.stdout.write(`A ${id}\n`, r));

for (let i = 0; i < Number(count); i++) {
  const id = `${worker}-${i}`;
  if (kind === 'ledger') {
    const { addException } = await load('evidence');
    await addException(join(root, 'ledger.json'), { task_id: `TASK-${id}`, exception_type: 'malformed_yaml' });
  } else if (kind === 'template-registry') {
    const { recordTemplateVersions } = await load('scaffolder');
    const hash = Buffer.from(id).toString('hex').padEnd(8, '0').slice(-8);
    await recordTemplateVersions(
      root,
      [
        {
          file: { versionHash: hash, artifactType: `t-${id}`, templateId: `t-${id}`, templateVersion: '1.0.0' },
          chain: { layouts: [], partials: [] },
        },
      ],
      new Date(),
    );
  } else if (kind === 'task-context') {
    const { attachEvidence, loadTasksConfig } = await load('evidence');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(root, `ev-${id}.txt`), `evidence ${id}\n`);
    const ws = await loadTasksConfig(root);
    await attachEvidence(ws, 'TASK-7001', { type: 'file', source: `ev-${id}.txt`, description: id });
  } else if (kind === 'gates-state') {
    // A gate run that found file f-<id> failing: the state's failed_files must end with every one.
    const { updateGatesState } = await load('quality-gates');
    const file = `f-${id}`;
    await updateGatesState(join(root, '.st3', 'state.json'), {
      outcomes: [{ id: 'lint', status: 'failed', checked: [file], failed: [file] }],
      advance: false,
      activeGates: ['lint'],
      definedGates: ['lint'],
      configHashes: {},
    });
  } else if (kind === 'telemetry') {
    // An ST3 verb adding its reads to the task's telemetry file (append mode, as the CLIs do).
    const { createCollector } = await load('telemetry');
    const telemetry = createCollector({ agent: 'harness', dir: root, append: true });
    telemetry.fileRead(`src/${id}.ts`, 100);
    await telemetry.save();
  } else if (kind === 'review-queue') {
    const { createReviewQueue } = await load('executor');
    await createReviewQueue(join(root, '.st3', 'review')).add({ nodeId: id, code: `// ${id}\n`, confidence: 0.5 });
  } else throw new Error(`unknown kind ${kind}`);
  await ack(id);
}
