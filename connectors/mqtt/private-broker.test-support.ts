/**
 * For tests: a Mosquitto of the test's own (the system one is left as configured), with a
 * listener that needs a user name and password and a TLS listener that needs a client
 * certificate, and the certificates made for it. `start()` gives undefined when no mosquitto
 * or openssl binary is installed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface PrivateBroker {
  /** mqtt://127.0.0.1:<port>, user `USER` with password `PASSWORD` */
  passwordUrl: string;
  /** mqtts://127.0.0.1:<port>, client certificate required */
  tlsUrl: string;
  pem: { ca: string; cert: string; key: string; otherCa: string };
  stop(): Promise<void>;
}

export const USER = 'tributary';
export const PASSWORD = 's3cret-pw';

function has(binary: string, args: string[]): boolean {
  try {
    execFileSync(binary, args, { stdio: 'ignore' });
    return true;
  } catch (err) {
    // mosquitto -h exits non-zero but exists
    return (err as { code?: unknown }).code !== 'ENOENT';
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function accepting(port: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`private mosquitto did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function makeCerts(dir: string): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  for (const ca of ['ca', 'other-ca']) ssl('req', '-x509', ...key, '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '1', '-subj', `/CN=tributary-test-${ca}`);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl('req', ...key, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '1', '-extfile', 'server.ext');
  ssl('req', ...key, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=tributary-client');
  ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '1');
}

export async function startPrivateBroker(): Promise<PrivateBroker | undefined> {
  if (!has('mosquitto', ['-h']) || !has('openssl', ['version']) || !has('mosquitto_passwd', ['--help'])) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tributary-mosquitto-'));
  makeCerts(dir);
  writeFileSync(join(dir, 'passwd'), '');
  execFileSync('mosquitto_passwd', ['-b', join(dir, 'passwd'), USER, PASSWORD], { stdio: 'ignore' });
  const [plain, tls] = [await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'mosquitto.conf'),
    [
      'per_listener_settings true',
      `user ${userInfo().username}`,
      'persistence false',
      'log_dest none',
      `listener ${plain} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${join(dir, 'passwd')}`,
      `listener ${tls} 127.0.0.1`,
      'allow_anonymous false',
      `cafile ${join(dir, 'ca.pem')}`,
      `certfile ${join(dir, 'server.pem')}`,
      `keyfile ${join(dir, 'server.key')}`,
      'require_certificate true',
      'use_identity_as_username true',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const cleanup = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await accepting(plain, 5000);
    await accepting(tls, 5000);
  } catch (err) {
    await cleanup();
    throw err;
  }
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    passwordUrl: `mqtt://127.0.0.1:${plain}`,
    tlsUrl: `mqtts://127.0.0.1:${tls}`,
    pem: { ca: read('ca.pem'), cert: read('client.pem'), key: read('client.key'), otherCa: read('other-ca.pem') },
    stop: cleanup,
  };
}
