// Cost per recorded event: ST3's collector against prom-client's counter.inc() and histogram.observe(),
// same process, same number of events, best of several rounds.
import { Counter, Histogram, Registry } from 'prom-client';
import { createCollector } from '../dist/index.js';

const N = 2_000_000;
const ROUNDS = 5;

function best(fn) {
  let min = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    globalThis.gc?.();
    const t = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t));
  }
  return min / N;
}

const labels = { gate: 'eslint' };
const c = createCollector({ agent: 'bench' });
const registry = new Registry();
const counter = new Counter({ name: 'bench_total', help: 'b', labelNames: ['gate'], registers: [registry] });
const histogram = new Histogram({
  name: 'bench_ms',
  help: 'b',
  labelNames: ['gate'],
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000],
  registers: [registry],
});

const rows = [
  [
    'counter, no labels',
    best(() => {
      for (let i = 0; i < N; i++) c.count('events');
    }),
    best(() => {
      for (let i = 0; i < N; i++) counter.inc();
    }),
  ],
  [
    'counter, one label',
    best(() => {
      for (let i = 0; i < N; i++) c.count('events', 1, labels);
    }),
    best(() => {
      for (let i = 0; i < N; i++) counter.inc(labels);
    }),
  ],
  [
    'counter, fresh labels object per event',
    best(() => {
      for (let i = 0; i < N; i++) c.count('events', 1, { gate: 'eslint' });
    }),
    best(() => {
      for (let i = 0; i < N; i++) counter.inc({ gate: 'eslint' });
    }),
  ],
  [
    'histogram, one label',
    best(() => {
      for (let i = 0; i < N; i++) c.observe('ms', i % 3000, labels);
    }),
    best(() => {
      for (let i = 0; i < N; i++) histogram.observe(labels, i % 3000);
    }),
  ],
];

const fmt = (ns) => `${ns.toFixed(1)} ns`;
console.log('## Telemetry: cost per recorded event');
console.log('');
console.log(
  `${N.toLocaleString('en-US')} events per round, best of ${ROUNDS} rounds, one process. Peer: prom-client ${(await import('prom-client/package.json', { with: { type: 'json' } })).default.version}.`,
);
console.log('');
console.log('| event | ST3 collector | prom-client | ratio (ST3 / prom-client) |');
console.log('|---|---|---|---|');
for (const [name, ours, theirs] of rows)
  console.log(`| ${name} | ${fmt(ours)} | ${fmt(theirs)} | ${(ours / theirs).toFixed(2)}× |`);
console.log('');
console.log(
  'The collector keeps a one-entry cache of the last series (same name and same labels object), the common case in hot loops; the fresh-object row shows the cost without it. Goal: recording is cheap enough to leave on (no I/O, little allocation); a ratio ≤ 1 means ST3 records faster than prom-client.',
);
