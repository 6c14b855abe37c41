/**
 * Child process of benchmarks (a) and (b), Node-RED side: Node-RED 4 embedded (RED.init/start,
 * no HTTP, no editor, default async delivery) running the flow file given. Messages are handed
 * to the first node with node.receive(); the last node's `send` is replaced on that instance
 * so each message that leaves the chain is counted at no extra cost to the other nodes (no
 * hooks registered, no extra node). Time runs from the first receive to the last count.
 *
 * Plain JavaScript, run without tsx, so Node-RED is not charged for a TypeScript loader.
 *   argv[2]: JSON { nodeRedDir, userDir, messages, warmup, batch }
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';

const job = JSON.parse(process.argv[2] ?? '{}');

function tell(message) {
  process.send(message);
}

async function main() {
  const require = createRequire(join(job.nodeRedDir, 'package.json'));
  const RED = require(job.nodeRedDir);
  RED.init({
    userDir: job.userDir,
    flowFile: 'flows.json',
    credentialSecret: false,
    httpAdminRoot: false,
    httpNodeRoot: false,
    logging: { console: { level: 'warn', metrics: false, audit: false } },
    SKIP_BUILD_CHECK: false,
  });
  const started = new Promise((resolve) => RED.events.once('flows:started', resolve));
  await RED.start();
  await started;
  const first = RED.nodes.getNode('n1');
  const last = RED.nodes.getNode('n10');
  if (!first || !last) throw new Error('the chain did not start (n1 or n10 missing)');

  let received = 0;
  let target = 0;
  let release = () => {};
  last.send = () => {
    if (++received === target) release();
  };
  let next = 0;
  const fire = async (count) => {
    for (let sent = 0; sent < count; ) {
      const n = Math.min(job.batch, count - sent);
      target = received + n;
      const arrived = new Promise((resolve) => (release = resolve));
      for (let i = 0; i < n; i++) first.receive({ payload: { id: next++, value: 42 } });
      await arrived;
      sent += n;
    }
  };

  await fire(job.warmup);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await fire(job.messages);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  tell({
    type: 'result',
    rate: job.messages / seconds,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rss: process.memoryUsage().rss,
    version: RED.version,
  });
  await RED.stop();
  // Node-RED keeps timers; leave once the result is sent (so --cpu-prof can write its profile)
  process.send({ type: 'bye' }, () => process.exit(0));
}

main().catch((err) => {
  process.send({ type: 'error', message: err?.stack ?? String(err) }, () => process.exit(1));
});
