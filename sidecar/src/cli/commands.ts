import type { CliCommand } from './types';
import { syncCommand } from './sync';
import { jobsCommand } from './jobs';
import { statusCommand } from './status';
import { ordersCommand } from './orders';
import { variantsCommand } from './variants';

/** Commands beyond the built-in migrate/uninstall/capture ones; each lives in its own file. */
export const COMMANDS: CliCommand[] = [syncCommand, jobsCommand, statusCommand, ordersCommand, variantsCommand];
