// A fault-harness worker: M locked read-modify-write increments of a JSON counter file.
// argv: <dist index.js> <counter file> <increments> <worker id> <hold ms>
// stdout: "H <id>" when inside the lock (the parent may SIGKILL it then), "A <id>" once an increment is
// acknowledged (withFileLock returned, the lock released).
import { readFile } from 'node:fs/promises';

const [distIndex, file, count, worker, holdMs] = process.argv.slice(2);
const { withFileLock, writeJsonAtomic } = await import(distIndex);
const say = (line) => new Promise((resolve) => process.stdout.write(`${line}\n`, resolve));

for (let i = 0; i < Number(count); i++) {
  const id = `${worker}.${i}`;
  await withFileLock(
    file,
    async () => {
      let state = { n: 0, ids: [] };
      try {
        state = JSON.parse(await readFile(file, 'utf8'));
      } catch {
        // first increment
      }
      await say(`H ${id}`);
      if (Number(holdMs) > 0) await new Promise((r) => setTimeout(r, Math.random() * Number(holdMs)));
      await writeJsonAtomic(file, { n: state.n + 1, ids: [...state.ids, id] });
    },
    { timeoutMs: 60_000 },
  );
  await say(`A ${id}`);
}
