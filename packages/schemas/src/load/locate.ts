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
  type Pair,
  type YAMLMap,
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
      const pair = pairsByKey(node).get(String(segment));
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

/** Each mapping's pairs by key text, built once: locating many errors in a big mapping stays linear. */
const pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
function pairsByKey(map: YAMLMap): Map<string, Pair> {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (!index.has(key)) index.set(key, pair);
    }
    pairIndex.set(map, index);
  }
  return index;
}

export function isYamlDocument(value: unknown): value is Document {
  return isDocument(value);
}
