#!/usr/bin/env node
import { runCli, runMain } from '@st3/cli-kit';
import { cli } from './index.js';

runMain((argv, io) => runCli(cli, argv, io));
