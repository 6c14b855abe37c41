/**
 * Whether a node's error is a condition that waiting may cure (connection lost, broker or
 * database down, deadlock), not the message's fault. Drivers mark those `retryable: true`
 * (NodeError); an error of a user's script is the script's answer to the message, whatever
 * its retry setting, and a plain Error says nothing, so neither is transient. Triggers with a
 * dead-letter path wait on transient failures and dead-letter only the others.
 */
export function isTransient(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { retryable, code } = err as { retryable?: unknown; code?: unknown };
  return retryable === true && !(typeof code === 'string' && code.startsWith('SCRIPT_'));
}
