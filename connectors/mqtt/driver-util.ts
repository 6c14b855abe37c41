/** Topic matching, error text and time limits shared by the mqtt driver's links. */

/** whether an MQTT topic matches a subscription filter (`+` one level, `#` the rest; `$share/g/` ignored) */
export function topicMatches(filter: string, topic: string): boolean {
  const levels = filter.split('/');
  const f = levels[0] === '$share' ? levels.slice(2) : levels;
  const t = topic.split('/');
  // filters starting with a wildcard do not match $SYS-like topics
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length || (level !== '+' && level !== t[i])) return false;
  }
  return f.length === t.length;
}

/** the client library's own message; a refused dual-stack connect arrives as an AggregateError without one */
export function mqttError(err: unknown): Error {
  if (err instanceof AggregateError && !err.message && err.errors.length > 0) {
    return new Error(err.errors.map((e: unknown) => mqttError(e).message).join('; '));
  }
  if (err instanceof Error) return err.message ? err : new Error(String((err as { code?: unknown }).code ?? err.name));
  return new Error(String(err));
}

export function errorText(err: unknown): string {
  return mqttError(err).message.replace(/^Subscribe error: /, '');
}

/** a broker speaking only MQTT 3.1.1 refuses version 5 with code 1 (3.1.1) or 132 (5) */
export function unsupportedProtocol(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 1 || code === 132;
}

export function deadline<T>(work: Promise<T>, ms: number, timeout: () => Error, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => finish(() => reject(timeout())), ms);
    const onAbort = () => finish(() => reject(new Error('cancelled: the run was stopped')));
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then((v) => finish(() => resolve(v)), (err: unknown) => finish(() => reject(mqttError(err))));
  });
}
