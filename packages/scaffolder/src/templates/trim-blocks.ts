/**
 * An eta plugin with Jinja's trim_blocks + lstrip_blocks: an exec tag (`<% ... %>`) alone on its
 * line takes the whole line with it, so control flow leaves no blank lines; interpolations keep
 * their newline; a partial included alone on its line supplies its own line endings. (eta's own autoTrim trims after every tag, which breaks line-oriented output.)
 */
type AstNode = string | { t: string; val: string };

export const trimBlocks = {
  processAST(ast: AstNode[]): AstNode[] {
    for (let i = 0; i < ast.length; i++) {
      const node = ast[i];
      if (typeof node !== 'object') continue;
      // A partial included alone on its line brings its own line endings.
      const wholeLineInclude = node.t === 'r' && /^\s*include\(/.test(node.val);
      if (node.t !== 'e' && !wholeLineInclude) continue;
      const prev = ast[i - 1];
      const next = ast[i + 1];
      // Strings in eta's AST are already escaped for a JS literal: a newline is the two characters \n.
      const aloneBefore = i === 0 || (typeof prev === 'string' && /(^|\\n)[ \t]*$/.test(prev));
      const aloneAfter = i === ast.length - 1 || (typeof next === 'string' && /^[ \t]*(\\n|$)/.test(next));
      if (!aloneBefore || !aloneAfter) continue;
      if (typeof prev === 'string' && !wholeLineInclude) ast[i - 1] = prev.replace(/[ \t]*$/, '');
      if (typeof next === 'string') ast[i + 1] = next.replace(/^[ \t]*\\n/, '');
    }
    return ast;
  },
};
