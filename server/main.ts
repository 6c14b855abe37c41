/** `npm start`: run Tributary until SIGTERM/SIGINT, then shut down gracefully and exit 0. */
import { loadConfig, ConfigError } from './config.ts';
import { startServer } from './bootstrap.ts';
import { DataDirInUseError } from './store/data-dir-lock.ts';
import { errorMessage } from '../core/guards.ts';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tributary: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  let server;
  try {
    server = await startServer(config);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DataDirInUseError) {
      process.stderr.write(`tributary: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  process.stdout.write(`Tributary is running at ${server.url} (data in ${config.dataDir})\n`);
  if (server.hooksUrl) process.stdout.write(`http-in endpoints are served at ${server.hooksUrl}/hooks/…\n`);
  if (server.generatedAdminPassword) {
    process.stdout.write(
      `\nFirst start: created user "admin" with password\n\n    ${server.generatedAdminPassword}\n\n` +
        'It is shown only this once. Set TRIBUTARY_ADMIN_PASSWORD before the first start to choose it.\n\n',
    );
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping triggers and letting running runs finish…\n`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`tributary failed to start: ${errorMessage(err)}\n`);
  process.exit(1);
});
