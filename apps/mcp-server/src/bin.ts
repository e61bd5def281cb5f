#!/usr/bin/env node
import { runCli, runMain } from '@st3/cli-kit';
import { cli } from './index.js';

// `st3-mcp [--cwd DIR]` is `st3 mcp`: the binary has one job, so the verb is implied.
runMain((argv, io) => runCli(cli, argv[0] === 'mcp' ? argv : ['mcp', ...argv], io));
