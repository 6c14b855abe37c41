/** An MQTT message as a Tributary message (SPEC §5), its payload read in the node's format. */
import type { Message } from '../../../core/flow-types.ts';
import type { InboundMessage } from '../driver.ts';
import type { MQTT_IN_FORMATS } from './spec.ts';
import { errorMessage } from '../../../core/guards.ts';

export type Format = (typeof MQTT_IN_FORMATS)[number];

export type Decoded = { msg: Message; error?: undefined } | { msg: Message; error: string };

const PREVIEW_CHARS = 60;

/**
 * `{payload, topic, qos, retain, headers?}`. An empty payload is null with format json.
 * A payload that does not parse gives `error` and a message whose payload is the text that
 * arrived, so the failed run shows it.
 */
export function decodeMessage(m: InboundMessage, format: Format): Decoded {
  const base: Message = { payload: null, topic: m.topic, qos: m.qos, retain: m.retain };
  if (m.userProperties) base.headers = { ...m.userProperties };
  if (format === 'base64') return { msg: { ...base, payload: m.payload.toString('base64') } };
  const text = m.payload.toString('utf8');
  if (format === 'text') return { msg: { ...base, payload: text } };
  if (text.trim() === '') return { msg: base };
  try {
    return { msg: { ...base, payload: JSON.parse(text) as unknown } };
  } catch (err) {
    const reason = errorMessage(err);
    const preview = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
    return { msg: { ...base, payload: text }, error: `payload is not valid JSON: ${reason} (topic "${m.topic}", payload ${JSON.stringify(preview)})` };
  }
}
