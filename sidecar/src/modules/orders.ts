import type { SidecarModule } from './types';

/** The orders module. */
export const ordersModule: SidecarModule = {
  name: 'orders',
  async start() {
    return {};
  },
};
