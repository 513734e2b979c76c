/**
 * An error that stops start-up for a reason the operator can fix (bad setting, unreachable database,
 * refused privilege). Its message is one line, printed without a stack trace.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}
