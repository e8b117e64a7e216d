/** An SPL execution error that is the query's fault (missing lookup table, bad option): reported, not a crash. */
export class SplExecError extends Error {
  override readonly name = "SplExecError";
}
