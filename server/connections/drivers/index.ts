/** Every connection driver, by type; client libraries load when a connection of the type is first used. */
import type { ConnectionDriver } from '../driver-api.ts';
import { httpDriver } from './http.ts';
import { lazyDriver } from './lazy.ts';

export const allDrivers: ConnectionDriver[] = [
  httpDriver as ConnectionDriver,
  lazyDriver('mysql', async () => (await import('./mysql.ts')).mysqlDriver as ConnectionDriver),
  lazyDriver('postgres', async () => (await import('./postgres.ts')).postgresDriver as ConnectionDriver),
  lazyDriver('oracle', async () => (await import('./oracle.ts')).oracleDriver as ConnectionDriver),
  lazyDriver('kafka', async () => (await import('./kafka.ts')).kafkaDriver as ConnectionDriver),
  lazyDriver('mqtt', async () => (await import('./mqtt.ts')).mqttDriver as ConnectionDriver),
];
