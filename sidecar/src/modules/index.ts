import type { SidecarModule } from './types';
import { securityModule } from './security';
import { marketplacesModule } from './marketplaces';
import { ordersModule } from './orders';
import { analyticsModule } from './analytics';

export type { SidecarModule, ModuleContext, ModuleInstance, WorkerSpec } from './types';

/**
 * The modules the sidecar runs, in start order (security first: its middleware guards every route of
 * the others). Each lives in its own file; add new areas here.
 */
export async function defaultModules(): Promise<SidecarModule[]> {
  return [securityModule, marketplacesModule, ordersModule, analyticsModule];
}
