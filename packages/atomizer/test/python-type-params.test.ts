// PEP 695 (Python 3.12): `type` statements and type parameters of defs and classes bind names. Read as
// mere type references, a module's own alias and a class's `T` were "unresolved" in every atom using
// them, their contexts incomplete, and the alias's code never handed over as a type.
import { describe, expect, it } from 'vitest';
import { atomContext, atomizeSource, type AtomizedFileRecord, type AtomRecord } from '../src/index.js';

const SHAPES = `from dataclasses import dataclass

type Number = int | float
type Pair[K] = tuple[K, K]


@dataclass
class Shape[T: Number, *Ts, **P]:
    width: T
    height: T

    def scaled(self, k: T) -> "Shape[T]":
        return Shape(self.width * k, self.height * k)


def area[N: (int, float)](shape: Shape[N], pair: Pair[N]) -> Number:
    value: N = shape.width * shape.height
    return value
`;

const atomOf = (r: AtomizedFileRecord, code: string): AtomRecord => {
  const a = r.atoms.find((x) => x.code.includes(code));
  if (!a) throw new Error(`no atom holds ${code}`);
  return a;
};

describe('Python type parameters and type aliases (PEP 695)', () => {
  it('bind names: nothing is unresolved, and the alias is a type of the module', async () => {
    const r = (await atomizeSource(SHAPES, 'shapes.py')) as AtomizedFileRecord;
    expect(r.diagnostics).toEqual([]);
    expect(r.atoms.flatMap((a) => a.context.unresolved)).toEqual([]);
    expect(r.atoms.flatMap((a) => a.context.missing.filter((m) => m.component === 'types'))).toEqual([]);
    // What other files import: the aliases, with their kind and signature.
    expect(r.definitions.filter((d) => d.kind === 'type')).toEqual([
      expect.objectContaining({ name: 'Number', line: 3, signature: 'type Number = int | float' }),
      expect.objectContaining({ name: 'Pair', line: 4, signature: 'type Pair[K] = tuple[K, K]' }),
    ]);
    const alias = atomOf(r, 'type Number');
    expect(alias.symbols.defined).toEqual(expect.arrayContaining(['Number', 'Pair']));
    expect(alias.symbols.defined).not.toContain('K');
  });

  it('hands the alias over as a type the function uses, and its parameters stay its own', async () => {
    const r = (await atomizeSource(SHAPES, 'shapes.py')) as AtomizedFileRecord;
    const area = atomOf(r, 'def area');
    const view = atomContext(area.id, { files: [r] });
    expect(view.parts.types.map((t) => t.name)).toEqual(expect.arrayContaining(['Number', 'Pair', 'Shape']));
    expect(view.markdown).toContain('type Number = int | float');
    // `N` is the function's own type parameter: no input from elsewhere, no dependency.
    expect(view.parts.inputs.map((i) => i.name)).not.toContain('N');
    expect(area.dependsOn).toContain(atomOf(r, 'type Number').id);
  });
});
