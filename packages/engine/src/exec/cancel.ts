/**
 * Cooperative cancellation. Executors work in batches of `BATCH_ROWS` rows and call
 * `checkCancelled` between batches, so a worker can read a cancel message while a query runs.
 */

/** Rows processed between two cancellation checks. */
export const BATCH_ROWS = 65536;

/** A flag the caller flips to stop a running query; executors only read it. */
export interface CancelToken {
  cancelled: boolean;
}

/** Thrown by executors when their token was cancelled. */
export class CancelledError extends Error {
  override readonly name = "CancelledError";
  constructor() {
    super("query cancelled");
  }
}

/** Throws `CancelledError` when `token` is cancelled (no-op without a token). */
export function checkCancelled(token: CancelToken | undefined): void {
  if (token?.cancelled) throw new CancelledError();
}

/** A fresh, not-yet-cancelled token. */
export function cancelToken(): CancelToken {
  return { cancelled: false };
}
