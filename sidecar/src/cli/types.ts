import type { Knex } from 'knex';
import type { Config } from '../config/schema';

export interface CliContext {
  config: Config;
  knex: Knex;
  args: string[];
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** A top-level `meschain <name> …` command. Returns the exit code. */
export interface CliCommand {
  name: string;
  /** One line per sub-command for the usage text. */
  usage: string[];
  run(ctx: CliContext): Promise<number>;
}
