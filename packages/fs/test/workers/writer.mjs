// A fault-harness worker: atomic writes of a self-checking file, in a loop, until killed.
// argv: <dist index.js> <target> <bytes> [once]
// content: "<generation>\n<payload>\n<sha256 of the first two lines>"
import { createHash } from 'node:crypto';

const [distIndex, target, bytes, once] = process.argv.slice(2);
const { writeFileAtomic } = await import(distIndex);
const payload = (gen) => `${gen}\n${String.fromCharCode(97 + (gen % 26)).repeat(Number(bytes))}`;
for (let gen = 0; ; gen++) {
  const body = payload(gen);
  await writeFileAtomic(target, `${body}\n${createHash('sha256').update(body).digest('hex')}`);
  if (once) break;
  if (gen === 0) process.stdout.write('ready\n');
}
