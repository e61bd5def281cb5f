import { describe, expect, it } from 'vitest';
import { atomizeSource, type AtomizedFileRecord, type AtomRecord } from '../src/index.js';

// Name resolution by scope, on atoms small enough (maxLoc 4) that functions are cut into fragments.
const SMALL = { targetLoc: 3, maxLoc: 4 };

async function atomize(text: string, path: string): Promise<AtomizedFileRecord> {
  return (await atomizeSource(text, path, SMALL)) as AtomizedFileRecord;
}
const at = (r: AtomizedFileRecord, code: string): AtomRecord => {
  const a = r.atoms.find((x) => x.code.includes(code));
  if (!a) throw new Error(`no atom holds ${code}`);
  return a;
};
const inputs = (a: AtomRecord) => Object.fromEntries(a.context.inputs.map((i) => [i.name, i]));

describe('symbols resolved by scope', () => {
  it('Python: try, except as, with as, for targets, comprehensions, walrus, enclosing parameters', async () => {
    const r = await atomize(
      `import json


def load(path, retries=3):
    try:
        data = json.loads(path)
    except ValueError as err:
        data = None
        print(err)
    with open(path) as fh:
        text = fh.read()
    total = 0
    for i, line in enumerate(text):
        total = i + retries
    squares = [n * n for n in range(total)]
    if (m := len(squares)) > 2:
        print(m, line)
    return data, total, squares
`,
      'load.py',
    );
    expect(r.atoms.flatMap((a) => a.context.unresolved)).toEqual([]);
    const head = at(r, 'def load');
    const tail = at(r, 'return data');
    // `data` is bound inside the try, `line` by the loop target, `squares` by a comprehension statement.
    const last = inputs(tail);
    expect(last.data).toMatchObject({ source: 'local' });
    const loop = at(r, 'for i, line');
    expect(inputs(loop).retries).toMatchObject({ source: 'parameter', atom: head.id });
    expect(inputs(at(r, 'print(m, line)')).line).toMatchObject({ source: 'local', atom: loop.id });
    // A comprehension's own variable and the walrus target are not inputs of anything.
    const names = new Set(r.atoms.flatMap((a) => a.context.inputs.map((i) => i.name)));
    expect(names.has('n')).toBe(false);
    expect(names.has('err')).toBe(false);
    expect(names.has('fh')).toBe(false);
    expect(tail.dependsOn.length).toBeGreaterThan(0);
  });

  it('Python: class attributes are not visible from methods; global writes module state', async () => {
    const r = await atomize(
      `count = 0
limit = 10


class Box:
    limit = 5

    def grow(self):
        global count
        count += 1
        return count < limit
`,
      'box.py',
    );
    const grow = at(r, 'def grow');
    expect(inputs(grow).limit).toMatchObject({ source: 'module' });
    expect(grow.atomicity.violations.map((v) => v.criterion)).toContain('no_side_effects');
    expect(r.atoms.flatMap((a) => a.context.unresolved)).toEqual([]);
  });

  it('TypeScript: destructuring, catch bindings, loop variables, enclosing parameters, shadowing', async () => {
    const r = await atomize(
      `export function sum(config: { a: number; list: number[][] }, items: string[]): number {
  const { a, list: [first] } = config;
  let total = 0;
  for (const item of items) {
    total += item.length + a + first.length;
  }
  try {
    JSON.parse('x');
  } catch ({ message }) {
    total += String(message).length;
  }
  return total;
}

export function other(config: string): string {
  const local = config.trim();
  const again = local + config;
  const more = again + local;
  return more;
}
`,
      'sum.ts',
    );
    expect(r.atoms.flatMap((a) => a.context.unresolved)).toEqual([]);
    const head = at(r, 'export function sum');
    const loop = at(r, 'for (const item of items)');
    expect(inputs(loop).items).toMatchObject({ source: 'parameter', type: 'string[]', atom: head.id });
    expect(inputs(loop).first).toMatchObject({ source: 'local' });
    expect(inputs(loop).total).toMatchObject({ source: 'local' });
    // `other`'s parameter `config` is its own: nothing of `sum` is linked to it.
    const sumIds = new Set(r.atoms.filter((a) => a.startLine < 14).map((a) => a.id));
    for (const a of r.atoms.filter((x) => x.startLine >= 14)) {
      expect(a.dependsOn.filter((d) => sumIds.has(d))).toEqual([]);
      if (inputs(a).config) expect(inputs(a).config!.atom).not.toBe(head.id);
    }
    const names = new Set(r.atoms.flatMap((a) => a.context.inputs.map((i) => i.name)));
    expect(names.has('message')).toBe(false);
    expect(names.has('item')).toBe(false);
  });

  it('TypeScript: block scopes shadow, hoisted functions resolve, type parameters stay local', async () => {
    const r = (await atomizeSource(
      `const config = { depth: 1 };

export function read<T>(value: T): T {
  if (value) {
    const config = { depth: 2 };
    use(config);
  }
  return helper(value, config.depth);
}

function use(x: unknown): void {
  void x;
}

function helper<T>(v: T, d: number): T {
  return d > 0 ? v : v;
}
`,
      'shadow.ts',
    )) as AtomizedFileRecord;
    expect(r.atoms.flatMap((a) => a.context.unresolved)).toEqual([]);
    const read = r.atoms.find((a) => a.name === 'read')!;
    const ins = inputs(read);
    // The outer `config` is read by `return helper(value, config.depth)`; the inner one is the block's own.
    expect(ins.config).toMatchObject({ source: 'module' });
    expect(ins.helper).toMatchObject({ source: 'module', usage: 'call' });
    expect(ins.T).toBeUndefined();
    const deps = read.context.dependencies;
    expect(deps.find((d) => d.symbols.includes('helper'))).toMatchObject({ type: 'function_call' });
    expect(deps.find((d) => d.symbols.includes('config'))).toMatchObject({ type: 'variable' });
  });
});

describe('a name bound in many scopes (minified code: `e` in every function)', () => {
  it('each use resolves to its own scope, before and after the resolver switches to a map', async () => {
    // 30 functions binding `e` (past the resolver's list limit), each using its own `e` and the module's `e0`.
    const fns = Array.from({ length: 30 }, (_, k) => `function f${k}(e) {\n  return e + e0 + ${k};\n}`);
    const r = await atomizeSource(`const e0 = 1;\n${fns.join('\n')}\n`, 'min.js');
    const atoms = (r as AtomizedFileRecord).atoms;
    expect(atoms.flatMap((a) => a.context.unresolved)).toEqual([]);
    for (let k = 0; k < 30; k++) {
      const fn = atoms.find((a) => a.code.includes(`function f${k}(e)`))!;
      // `e` is the function's own parameter: never an input taken from another function's atom.
      expect(inputs(fn).e).toBeUndefined();
      expect(inputs(fn).e0).toMatchObject({ source: 'module' });
    }
  });
});
