import { defineCommand } from '@st3/cli-kit';
import { St3Error } from '@st3/schemas';

// Placeholder until this verb lands; it is removed from the command table if it does not.
export const command = defineCommand({
  name: 'scaffold',
  summary: 'not available yet',
  usage: 'st3 scaffold',
  examples: [],
  async run() {
    throw new St3Error('E_USAGE', '"st3 scaffold" is not available yet');
  },
});
