/** The HIS could not take the call; `retryable` false means it refused it for good. */
export class HisError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = true,
  ) {
    super(message);
  }
}
