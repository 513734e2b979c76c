import type { SidecarModule } from './types';

/** The marketplaces module. */
export const marketplacesModule: SidecarModule = {
  name: 'marketplaces',
  async start() {
    return {};
  },
};
