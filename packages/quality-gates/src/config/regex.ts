/**
 * Quality configs are shared with a Python seed system, so their regexes are written in Python's
 * dialect. This translates the parts that differ from JavaScript: `(?P<name>...)` groups, `(?P=name)`
 * back-references, leading inline flags `(?i)`, and `\A` / `\Z` anchors.
 */
export function translatePythonRegex(source: string): { source: string; flags: string } {
  let flags = '';
  let body = source;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    for (const f of inline[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\') {
      const next = body[i + 1];
      if (next === 'A') out += '^';
      else if (next === 'Z') out += '$';
      else out += ch + (next ?? '');
      i++;
      continue;
    }
    if (body.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    const backref = /^\(\?P=(\w+)\)/.exec(body.slice(i, i + 64));
    if (backref) {
      out += `\\k<${backref[1]}>`;
      i += backref[0].length - 1;
      continue;
    }
    out += ch;
  }
  return { source: out, flags };
}

/** Compiles a config regex (Python or JavaScript syntax); throws SyntaxError when it does not compile. */
export function compileConfigRegex(source: string): RegExp {
  const t = translatePythonRegex(source);
  return new RegExp(t.source, t.flags);
}

/** Names of the named capture groups of a regex source (after translation). */
export function groupNames(source: string): Set<string> {
  const names = new Set<string>();
  const t = translatePythonRegex(source).source;
  for (const m of t.matchAll(/\(\?<([A-Za-z_]\w*)>/g)) names.add(m[1]!);
  return names;
}

/** `{name}` placeholders in a defaults value. */
export function placeholders(value: string): string[] {
  return [...value.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/** Replaces `{name}` with the captured value (empty when the group did not take part). */
export function interpolate(value: string, groups: Record<string, string | undefined>): string {
  return value.replace(/\{(\w+)\}/g, (_, name: string) => groups[name] ?? '');
}
