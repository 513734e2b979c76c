import type { SidecarModule } from './types';

/** The analytics module. */
export const analyticsModule: SidecarModule = {
  name: 'analytics',
  async start() {
    return {};
  },
};
