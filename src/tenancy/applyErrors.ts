/** The error an apply step throws when it knows the fix (shown per tenant on the page and by the CLI). */
export class ApplyStepError extends Error {
  constructor(
    message: string,
    readonly fix: string
  ) {
    super(message);
    this.name = 'ApplyStepError';
  }
}
