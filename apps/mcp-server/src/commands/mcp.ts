import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand, EXIT } from '@st3/cli-kit';
import { St3Error } from '@st3/schemas';

/** `st3 mcp`: serves the ST3 tools over stdio until the client closes the connection, or over Streamable HTTP. */
export const command = defineCommand({
  name: 'mcp',
  summary: 'serve the ST3 operations as MCP tools over stdio or Streamable HTTP',
  description: [
    '--cwd DIR is the workspace root (default: the current folder); no tool reads or writes outside it.',
    'stdio (the default): stdout carries only the MCP protocol (JSON-RPC); log lines go to stderr (--quiet drops them). ' +
      'At end of input the calls already received are answered, then the server exits 0.',
    '--http: Streamable HTTP on http://HOST:PORT/mcp, one session per client, until interrupted. The URL is printed on ' +
      'stderr. There is no authentication: keep the default loopback address unless the network is trusted.',
  ],
  options: {
    http: { type: 'boolean', description: 'serve Streamable HTTP on /mcp instead of stdio' },
    host: {
      type: 'string',
      valueName: 'HOST',
      complete: 'none',
      description: 'with --http: the address to bind (default 127.0.0.1)',
    },
    port: {
      type: 'number',
      integer: true,
      min: 0,
      max: 65535,
      description: 'with --http: the port (default 8765; 0 picks a free one)',
    },
  },
  examples: ['st3 mcp --cwd ~/code/my-repo', 'st3 mcp --cwd . --http --port 8765', 'npx st3-mcp --cwd .'],
  async run({ values, common, io, usageError }) {
    const root = resolve(io.cwd, common.cwd ?? '.');
    if (!existsSync(root) || !statSync(root).isDirectory())
      throw new St3Error('E_FILE_NOT_FOUND', `--cwd folder not found: ${root}`, { hint: 'pass an existing folder' });
    if (!values.http && (values.host !== undefined || values.port !== undefined))
      throw usageError('--host and --port go with --http');
    const log = common.quiet ? undefined : (line: string) => void io.stderr.write(`st3-mcp: ${line}\n`);
    const { serveHttp, serveStdio } = await import('../serve.js');
    if (values.http) {
      const server = await serveHttp({
        root,
        host: values.host ?? '127.0.0.1',
        port: values.port ?? 8765,
        ...(log ? { log } : {}),
      });
      // The URL is what a client needs (with --port 0 it is known only now): printed even with --quiet.
      if (!log) io.stderr.write(`st3-mcp: serving ${root} on ${server.url}\n`);
      await new Promise<void>((done) => {
        if (io.signal.aborted) done();
        else io.signal.addEventListener('abort', () => done(), { once: true });
      });
      await server.close();
      return EXIT.interrupted;
    }
    const outcome = await serveStdio({ root, signal: io.signal, ...(log ? { log } : {}) });
    return outcome === 'interrupted' ? EXIT.interrupted : EXIT.ok;
  },
});
