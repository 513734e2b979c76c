import type { SidecarModule } from './types';

/** The security module. */
export const securityModule: SidecarModule = {
  name: 'security',
  async start() {
    return {};
  },
};
