import type { CliCommand } from './types';

export const jobsCommand: CliCommand = {
  name: 'jobs',
  usage: [],
  async run({ err }) {
    err.write('meschain: jobs is not available yet\n');
    return 69;
  },
};
