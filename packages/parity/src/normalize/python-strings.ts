/**
 * Marks the lines of Python source that begin inside a string: a triple-quoted string, or a quoted one
 * continued with a backslash at the line's end. Their blank lines, trailing spaces and `#` lines are
 * the string's value. The scan knows quoted strings (with escapes) and comments, as the TypeScript scan
 * does: a `#` inside `"#"` opens no comment, and `"'''"` opens no triple-quoted string.
 */
export function multiLineStringLines(lines: readonly string[]): boolean[] {
  const inside = new Array<boolean>(lines.length).fill(false);
  // the quote that is open at the start of the next line: `"""`/`'''`, or `"`/`'` continued by a backslash
  let open = '';
  for (let i = 0; i < lines.length; i++) {
    inside[i] = open !== '';
    open = scanPythonLine(lines[i]!, open);
  }
  return inside;
}

/** Moves the scan across one line; returns the quote still open at its end ('' when none). */
function scanPythonLine(line: string, startQuote: string): string {
  let quote = startQuote;
  for (let c = 0; c < line.length; c++) {
    const ch = line[c]!;
    if (quote !== '') {
      if (ch === '\\') {
        // a backslash at the line's end continues a quoted string onto the next line
        if (c === line.length - 1) return quote;
        c++;
      } else if (line.startsWith(quote, c)) {
        c += quote.length - 1;
        quote = '';
      }
    } else if (ch === '#') return '';
    else if (ch === '"' || ch === "'") {
      quote = line.startsWith(ch.repeat(3), c) ? ch.repeat(3) : ch;
      c += quote.length - 1;
    }
  }
  // a one-quote string ends with its line (an unterminated one is a syntax error, not a string that goes on)
  return quote.length === 3 ? quote : '';
}
