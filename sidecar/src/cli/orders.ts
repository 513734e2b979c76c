import type { CliCommand } from './types';

export const ordersCommand: CliCommand = {
  name: 'orders',
  usage: [],
  async run({ err }) {
    err.write('meschain: orders is not available yet\n');
    return 69;
  },
};
