/** A malformed expression or path. `position` is a 0-based index into the text that was parsed. */
export class ExpressionError extends Error {
  readonly position: number;
  /** the message without the position suffix */
  readonly reason: string;

  constructor(message: string, position: number) {
    // The position goes into the message too, so logs and save-time details show it without extra work.
    super(`${message} at position ${position}`);
    this.name = 'ExpressionError';
    this.reason = message;
    this.position = position;
  }
}
