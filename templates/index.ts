/** The template catalogue (SPEC §10). Pure data: the editor imports it for the wizard. */
import type { FlowTemplate } from './types.ts';
import { mysqlToOracleSync } from './mysql-to-oracle-sync/template.ts';
import { dbToDbSync } from './db-to-db-sync/template.ts';
import { mqttToDb } from './mqtt-to-db/template.ts';
import { kafkaToDb } from './kafka-to-db/template.ts';
import { dbToKafka } from './db-to-kafka/template.ts';
import { dbAsHttpApi } from './db-as-http-api/template.ts';

export type { FlowTemplate, TemplateForm, TemplateStep, TemplateFlow, TemplateCheck } from './types.ts';

export const allTemplates: readonly FlowTemplate[] = [mysqlToOracleSync, dbToDbSync, mqttToDb, kafkaToDb, dbToKafka, dbAsHttpApi];

export const templatesById: ReadonlyMap<string, FlowTemplate> = new Map(allTemplates.map((t) => [t.id, t]));
