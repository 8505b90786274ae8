/** A render that could not be made; `reason` is short and fit to show to the person who asked. */
export class RenderFailure extends Error {
  override readonly name = 'RenderFailure';
  readonly reason: string;

  constructor(reason: string, options?: ErrorOptions) {
    super(`render failed: ${reason}`, options);
    this.reason = reason;
  }
}
