/**
 * Argument checks every command runs before it touches anything. A misspelt option, or one whose value
 * was forgotten, used to read as "not given": `jobs retry-dead --queue` re-ran the dead jobs of every
 * queue, `sync --marketplace trendyol --acount 3` synced every account.
 */

export interface ArgSpec {
  /** `--name <value>` or `--name=<value>` options. */
  options?: readonly string[];
  /** `--name` switches. */
  flags?: readonly string[];
  /** Words that are not options, at most this many (sub-command included). */
  positionals?: number;
}

/** What is wrong with the arguments, in one line, or null when they fit the spec. */
export function checkArgs(args: readonly string[], spec: ArgSpec): string | null {
  const options = new Set(spec.options ?? []);
  const flags = new Set(spec.flags ?? []);
  let words = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      if (++words > (spec.positionals ?? 0)) return `unexpected argument '${a}'`;
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (flags.has(name)) {
      if (eq >= 0) return `--${name} takes no value`;
      continue;
    }
    if (!options.has(name)) return `unknown option --${name}`;
    const value = eq >= 0 ? a.slice(eq + 1) : args[i + 1];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) return `--${name} needs a value`;
    if (eq < 0) i++;
  }
  return null;
}

/** The value of `--name <value>` / `--name=<value>` (after checkArgs, a present option has one). */
export function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

export const flag = (args: readonly string[], name: string): boolean => args.includes(`--${name}`);

/** The words of args that are not options or option values. */
export function positionals(args: readonly string[], spec: ArgSpec): string[] {
  const options = new Set(spec.options ?? []);
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) out.push(a);
    else if (!a.includes('=') && options.has(a.slice(2))) i++;
  }
  return out;
}

/** A positive whole number (an id), or null. */
export function positiveId(value: string | undefined): number | null {
  return value !== undefined && /^[1-9][0-9]{0,9}$/.test(value) ? Number(value) : null;
}

/** Writes the usage mistake and returns the exit code for it (64, EX_USAGE). */
export function usageError(err: NodeJS.WritableStream, command: string, problem: string): number {
  err.write(`meschain ${command}: ${problem} / hatalı kullanım (meschain help)\n`);
  return 64;
}
