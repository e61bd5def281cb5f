import { St3Error } from '@st3/schemas/errors';
import { jsonErrorPosition } from '@st3/schemas/fast';

/** A value starting with one of these is JSON (an array, an object, a string) and must parse as such. */
const JSON_START = /^[[{"]/;

/**
 * Parses `--set k=v` style pairs. `true`, `false`, `null` and numbers are literals; a value that starts
 * like JSON (`[`, `{` or `"`) is JSON, and one that does not parse is E_USAGE naming the key and the
 * column in the value where it broke — never a plain string a schema then refuses as "expected array,
 * received string". `"..."` passes a string that starts with a bracket (`--set 'subject="[WIP] fix"'`);
 * any other value is a string. `otherWay` ends that error's hint (another way to give the value).
 */
export function parseKeyValues(
  pairs: readonly string[] | undefined,
  flag = '--set',
  otherWay?: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new St3Error('E_USAGE', `${flag} expects key=value, got "${pair}"`, { hint: `e.g. ${flag} name=value` });
    const key = pair.slice(0, eq);
    // defineProperty: a `__proto__` key is a property of the result, never its prototype.
    Object.defineProperty(out, key, {
      value: parseLiteral({ flag, key, otherWay }, pair.slice(eq + 1)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

interface PairSource {
  flag: string;
  key: string;
  otherWay: string | undefined;
}

function parseLiteral(source: PairSource, raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return JSON_START.test(raw) ? parseJson(source, raw) : raw;
}

function parseJson({ flag, key, otherWay }: PairSource, raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    // A value is one line (a newline inside is JSON whitespace, so counted as it stands).
    const { column } = jsonErrorPosition(raw, message);
    const reason = message
      .replace(/ in JSON at position \d+.*$/, '')
      .replace(/^Unexpected end of JSON input$/, 'it ends too early');
    throw new St3Error(
      'E_USAGE',
      `${flag} ${key}: the value starts like JSON but is not valid JSON (column ${column} of the value): ${reason}`,
      {
        hint:
          `fix the JSON and quote the whole pair for the shell so it arrives intact (${flag} '${key}=<json>')` +
          `${otherWay ? `, or ${otherWay}` : ''}; a plain string that starts with [, { or " is written as a JSON ` +
          `string: ${flag} '${key}="[text]"'`,
        details: { key, value: raw, column },
      },
    );
  }
}
