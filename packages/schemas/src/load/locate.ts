import {
  isCollection,
  isDocument,
  isMap,
  isNode,
  isPair,
  isScalar,
  type Document,
  type LineCounter,
  type Node,
} from 'yaml';

export interface Position {
  line: number;
  column: number;
}

/**
 * The position of the value at `path` in a parsed YAML document, or of its nearest existing
 * ancestor when the value is missing (a missing key points at the map that lacks it).
 * For a key that exists, points at the key when `atKey` is set (unknown-key errors).
 */
export function locatePath(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  options: { atKey?: boolean } = {},
): Position | undefined {
  let node: unknown = doc.contents;
  let best: Node | undefined = isNode(node) ? node : undefined;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (!isCollection(node)) break;
    let next: unknown;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyMatches(p.key, segment));
      if (!pair) break;
      if (options.atKey && i === path.length - 1 && isNode(pair.key)) {
        best = pair.key;
        break;
      }
      next = pair.value ?? pair.key;
    } else {
      const index = typeof segment === 'number' ? segment : Number(segment);
      next = Number.isInteger(index) ? node.items[index] : undefined;
    }
    if (!isNode(next)) break;
    best = next;
    node = next;
  }
  const offset = best?.range?.[0];
  if (offset === undefined) return undefined;
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function keyMatches(key: unknown, segment: PropertyKey): boolean {
  if (isScalar(key)) return String(key.value) === String(segment);
  return String(key) === String(segment);
}

export function isYamlDocument(value: unknown): value is Document {
  return isDocument(value);
}
