import type { CliCommand } from './types';

export const statusCommand: CliCommand = {
  name: 'status',
  usage: [],
  async run({ err }) {
    err.write('meschain: status is not available yet\n');
    return 69;
  },
};
