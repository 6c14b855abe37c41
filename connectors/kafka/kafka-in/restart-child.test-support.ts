/**
 * Child process of the kill-and-restart test: consumes a topic with kafka-in through the real
 * engine and appends "partition:offset" to a file once each record's run got that far.
 * usage: node --import tsx connectors/kafka/kafka-in/restart-child.test-support.ts <topic> <groupId> <processedFile> <statusFile>
 * SIGTERM stops it cleanly; the test SIGKILLs it to simulate a crash.
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import type { NodeRuntime } from '../../../server/engine/node-api.ts';
import { directConnections, testEngine } from '../../../server/engine/engine.test-support.ts';
import { kafkaDriver } from '../driver.ts';
import { silentEvents } from '../../../server/engine/events.ts';
import { flow, kafkaProfile, probeSpec } from '../kafka.test-support.ts';
import { kafkaInSpec } from './spec.ts';
import { kafkaInRuntime } from './runtime.ts';

const [topic, groupId, processedFile, statusFile] = process.argv.slice(2);
if (!topic || !groupId || !processedFile || !statusFile) throw new Error('usage: restart-child.ts <topic> <groupId> <processedFile> <statusFile>');

const record: NodeRuntime = {
  type: 'probe',
  create: () => ({
    async onMessage(msg, io) {
      await new Promise((r) => setTimeout(r, 2));
      appendFileSync(processedFile, `${String(msg['partition'])}:${String(msg['offset'])}\n`);
      // processed but not yet committed: a kill now makes a duplicate, never a loss
      await new Promise((r) => setTimeout(r, 3));
      io.send(msg);
    },
  }),
};

const connections = directConnections([kafkaDriver], [kafkaProfile('k')]);
const { engine } = testEngine([kafkaInSpec, probeSpec], [kafkaInRuntime, record], {
  connections,
  events: { ...silentEvents, nodeStatus: (_f, _n, status) => writeFileSync(statusFile, JSON.stringify(status)) },
});

await engine.start('restart', 1, flow(
  [
    { id: 'kin', type: 'kafka-in', params: { connection: 'k', topics: [topic], groupId, fromBeginning: true, sessionTimeoutMs: 6000, concurrency: 2 } },
    { id: 'rec', type: 'probe' },
  ],
  [['kin', 'rec']],
));
process.send?.('started');

process.on('SIGTERM', () => {
  void (async () => {
    await engine.shutdown(2000);
    await connections.closeAll();
    process.exit(0);
  })();
});
