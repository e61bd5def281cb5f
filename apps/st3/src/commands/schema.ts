import { defineCommand, EXIT } from '@st3/cli-kit';

export const command = defineCommand({
  name: 'schema',
  summary: 'not built yet',
  usage: 'st3 schema',
  examples: [],
  async run(_argv, io) {
    io.stderr.write('st3 schema: not built yet\n');
    return EXIT.failure;
  },
});
