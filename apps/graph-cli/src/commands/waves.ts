import { defineCommand } from '@st3/cli-kit';
import { St3Error } from '@st3/schemas';

// Placeholder until this verb lands; it is removed from the command table if it does not.
export const command = defineCommand({
  name: 'waves',
  summary: 'not available yet',
  usage: 'st3 waves',
  examples: [],
  async run() {
    throw new St3Error('E_USAGE', '"st3 waves" is not available yet');
  },
});
