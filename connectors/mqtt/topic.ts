/**
 * MQTT topic rules (MQTT 5 §4.7), for save-time checks and the runtimes. Pure: no imports,
 * so node specs (and the editor) can use it.
 */

const MAX_TOPIC_BYTES = 65_535;

function basicIssue(text: string): string | undefined {
  if (text === '') return 'must not be empty';
  if (text.includes('\u0000')) return 'must not contain the NUL character';
  if (new TextEncoder().encode(text).length > MAX_TOPIC_BYTES) return `is longer than ${MAX_TOPIC_BYTES} bytes`;
  return undefined;
}

/**
 * What is wrong with a subscription filter, or undefined. `+` stands alone in a level,
 * `#` alone in the last level; `$share/<group>/<filter>` is a shared subscription.
 */
export function topicFilterIssue(filter: string): string | undefined {
  const basic = basicIssue(filter);
  if (basic) return basic;
  let levels = filter.split('/');
  if (levels[0] === '$share') {
    const group = levels[1];
    if (group === undefined || group === '' || /[+#]/.test(group)) return 'a shared subscription is $share/<group>/<filter>, the group without + or #';
    levels = levels.slice(2);
    if (levels.length === 0 || (levels.length === 1 && levels[0] === '')) return 'a shared subscription needs a filter after $share/<group>/';
  }
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] ?? '';
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return '"#" must be alone in the last level (e.g. sensors/#)';
    if (level.includes('+') && level !== '+') return '"+" must be alone in its level (e.g. sensors/+/temperature)';
  }
  return undefined;
}

/** What is wrong with a topic to publish to, or undefined: no wildcards. */
export function topicNameIssue(topic: string): string | undefined {
  const basic = basicIssue(topic);
  if (basic) return basic;
  if (/[+#]/.test(topic)) return 'must not contain the wildcards + or # (they are for subscriptions)';
  return undefined;
}
