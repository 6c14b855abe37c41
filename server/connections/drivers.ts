/** Every connection driver, by type; client libraries load when a connection of the type is first used. */
import type { ConnectionDriver } from './driver-api.ts';
import { httpDriver } from '../../connectors/http/driver.ts';
import { lazyDriver } from './lazy-driver.ts';

export const allDrivers: ConnectionDriver[] = [
  httpDriver as ConnectionDriver,
  lazyDriver('mysql', async () => (await import('../../connectors/mysql/driver.ts')).mysqlDriver as ConnectionDriver),
  lazyDriver('postgres', async () => (await import('../../connectors/postgres/driver.ts')).postgresDriver as ConnectionDriver),
  lazyDriver('oracle', async () => (await import('../../connectors/oracle/driver.ts')).oracleDriver as ConnectionDriver),
  lazyDriver('kafka', async () => (await import('../../connectors/kafka/driver.ts')).kafkaDriver as ConnectionDriver),
  lazyDriver('mqtt', async () => (await import('../../connectors/mqtt/driver.ts')).mqttDriver as ConnectionDriver),
];
