/**
 * Settings of the Node-RED server of benchmarks (c) and (d), run with Node-RED's own CLI
 * (red.js --settings this-file): Node-RED's default settings.js, with the log level at warn
 * (as Tributary's) and IPC answers to the runner's CPU-time and memory questions. Everything else — editor,
 * admin API, default delivery — is as a user gets it from `node-red`.
 */
const { join } = require('node:path');

const base = require(join(process.env.BENCH_NODE_RED_DIR, 'settings.js'));

if (process.send) {
  process.on('message', (m) => {
    if (m && m.type === 'cpu') {
      const c = process.cpuUsage();
      process.send({ type: 'cpu', user: c.user, system: c.system });
      return;
    }
    if (!m || m.type !== 'rss') return;
    const idleMs = Number(m.idleMs) || 3000;
    const gc = globalThis.gc;
    if (gc) gc();
    setTimeout(() => {
      if (gc) gc();
      setTimeout(() => {
        const u = process.memoryUsage();
        process.send({ type: 'rss', rss: u.rss, heapUsed: u.heapUsed });
      }, 200);
    }, idleMs);
  });
}

module.exports = {
  ...base,
  flowFile: 'flows.json',
  credentialSecret: false,
  logging: { console: { level: 'warn', metrics: false, audit: false } },
};
