/** Every connection driver, by type. */
import type { ConnectionDriver } from '../driver-api.ts';
import { mysqlDriver } from './mysql.ts';
import { postgresDriver } from './postgres.ts';
import { oracleDriver } from './oracle.ts';
import { httpDriver } from './http.ts';
import { kafkaDriver } from './kafka.ts';

export const allDrivers: ConnectionDriver[] = [mysqlDriver, postgresDriver, oracleDriver, httpDriver, kafkaDriver] as ConnectionDriver[];
