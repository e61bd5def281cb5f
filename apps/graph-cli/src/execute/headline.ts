/**
 * A failure's message on one line, for a node's line in the text output. Its first line, but a heading
 * that only announces a list (`gate ruff failed:`) takes its first item along — the heading alone says
 * nothing — and how many lines more there are (`--json` and the run record have them all).
 */
export function headline(message: string): string {
  const lines = message.split('\n').filter((line) => line.trim() !== '');
  const first = (lines[0] ?? '').trimEnd();
  if (!first.endsWith(':') || lines.length < 2) return first;
  const more = lines.length - 2;
  return `${first} ${lines[1]!.trim()}${more > 0 ? ` (+${more} more)` : ''}`;
}
