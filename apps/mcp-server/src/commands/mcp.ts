import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand, EXIT } from '@st3/cli-kit';
import { St3Error } from '@st3/schemas';

/** `st3 mcp`: serves the ST3 tools over stdio until the client closes the connection. */
export const command = defineCommand({
  name: 'mcp',
  summary: 'serve the ST3 operations as MCP tools over stdio',
  description: [
    '--cwd DIR is the workspace root (default: the current folder); no tool reads or writes outside it. ' +
      '--quiet: no log lines on stderr.',
    'stdout carries only the MCP protocol (JSON-RPC); logs go to stderr.',
  ],
  examples: ['st3 mcp --cwd ~/code/my-repo', 'npx st3-mcp --cwd .'],
  async run({ common, io }) {
    const root = resolve(io.cwd, common.cwd ?? '.');
    if (!existsSync(root) || !statSync(root).isDirectory())
      throw new St3Error('E_FILE_NOT_FOUND', `--cwd folder not found: ${root}`, { hint: 'pass an existing folder' });
    const log = common.quiet ? undefined : (line: string) => void io.stderr.write(`st3-mcp: ${line}\n`);
    const [{ createSt3McpServer }, { StdioServerTransport }] = await Promise.all([
      import('../server.js'),
      import('@modelcontextprotocol/sdk/server/stdio.js'),
    ]);
    const pending = new Set<Promise<unknown>>();
    const track = (call: Promise<unknown>) => {
      pending.add(call);
      void call.finally(() => pending.delete(call));
    };
    const server = createSt3McpServer({ root, track, ...(log ? { log } : {}) });
    const transport = new StdioServerTransport();
    const send = transport.send.bind(transport);
    transport.send = (message) => {
      const sent = send(message);
      track(sent);
      return sent;
    };
    // End of input is a normal shutdown: answer the calls already received, then close.
    const inputEnded = new Promise<void>((done) => {
      transport.onclose = () => done();
      process.stdin.once('end', () => done());
    });
    const interrupted = new Promise<void>((done) => io.signal.addEventListener('abort', () => done(), { once: true }));
    await server.connect(transport);
    log?.(`serving ${root} on stdio`);
    await Promise.race([inputEnded, interrupted]);
    // A finished call's response is sent a few ticks later (and is tracked too): drain until quiet.
    while (!io.signal.aborted && pending.size > 0) {
      await Promise.race([Promise.allSettled([...pending]), interrupted]);
      await new Promise((tick) => setImmediate(tick));
    }
    await server.close();
    return io.signal.aborted ? EXIT.interrupted : EXIT.ok;
  },
});
