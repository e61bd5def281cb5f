import { defineCommand } from '@st3/cli-kit';
import { St3Error } from '@st3/schemas';

// Placeholder until this verb lands; it is removed from the command table if it does not.
export const command = defineCommand({
  name: 'test',
  summary: 'not available yet',
  usage: 'st3 test',
  examples: [],
  async run() {
    throw new St3Error('E_USAGE', '"st3 test" is not available yet');
  },
});
