import type { CliCommand } from './types';

export const syncCommand: CliCommand = {
  name: 'sync',
  usage: [],
  async run({ err }) {
    err.write('meschain: sync is not available yet\n');
    return 69;
  },
};
