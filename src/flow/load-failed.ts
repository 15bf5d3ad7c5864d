/**
 * How `loadRun()` fails: the lazy half of the flow could not be fetched (offline, a blocked or missing file). Not an
 * `IdcError` itself, so the button's first-paint path does not carry the error table: `toIdcError` (errors.ts) turns
 * it into the `network` error, and the elements report it as such when even that cannot load.
 */
export const LOAD_FAILED_MESSAGE = 'Could not load the sign-in code.';

export class RunLoadFailed extends Error {
  override readonly name = 'RunLoadFailed';

  constructor(cause: unknown) {
    super(LOAD_FAILED_MESSAGE, { cause });
  }
}
