/**
 * Connection types of SPEC §8: label, params JSON Schema (with defaults) and secret fields.
 * Pure data, importable by the editor. The server validates params against `paramsSchema`
 * (ajv, defaults applied) and keeps secrets apart, encrypted, in a flat map keyed by the
 * secret's name — e.g. `secrets["sasl.password"]` for kafka, `secrets.secret` for http.
 */
import type { JsonSchema } from './node-spec.ts';

export const ENVIRONMENTS = ['development', 'test', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const CONNECTION_TYPE_NAMES = ['mysql', 'postgres', 'oracle', 'mqtt', 'kafka', 'http'] as const;
export type ConnectionTypeName = (typeof CONNECTION_TYPE_NAMES)[number];

export const DEFAULT_TIMEOUT_MS = 10000;

export interface SecretField {
  /** key in the profile's `secrets` map (dotted names are flat keys, not paths) */
  name: string;
  label: string;
  /** show (and require, when `required`) only when params have one of these values */
  showIf?: Record<string, unknown[]>;
  /** must be set when shown */
  required?: boolean;
  /** multi-line (PEM keys) */
  multiline?: boolean;
}

export interface ConnectionTypeDef {
  type: string;
  label: string;
  paramsSchema: JsonSchema;
  secrets: SecretField[];
  /** true for types whose driver can list tables and columns */
  database?: boolean;
  ui?: {
    /** param names in form order */
    order?: string[];
    /** per param: show only when another param has one of these values */
    showIf?: Record<string, Record<string, unknown[]>>;
  };
}

/** `"***"` stands for a secret that is set; sent back unchanged it keeps the stored value. */
export const SECRET_MASK = '***';

/** A saved connection as the API answers it: never a secret value (SPEC §7). */
export interface ConnectionView {
  id: string;
  name: string;
  type: string;
  environment: Environment;
  params: Record<string, unknown>;
  /** `"***"` for each secret that is set */
  secrets: Record<string, typeof SECRET_MASK>;
  /** the stored secrets could not be decrypted (key changed?); re-enter them */
  secretsUnreadable?: true;
  createdAt: string;
  updatedAt: string;
  /** GET /api/connections/:id only: the flows whose nodes use it */
  usedBy?: { flowId: string; name: string }[];
}

const timeoutMs = {
  type: 'integer', title: 'Timeout (ms)', minimum: 100, maximum: 600000, default: DEFAULT_TIMEOUT_MS,
} as const;
const port = (dflt: number) => ({ type: 'integer', title: 'Port', minimum: 1, maximum: 65535, default: dflt }) as const;
const mode = {
  type: 'string', title: 'Mode', enum: ['standard', 'professional'], default: 'standard',
} as const;
/** standard mode needs host and user; professional mode puts everything in a secret string */
const requireUnlessProfessional = (fields: string[]) => ({
  if: { properties: { mode: { const: 'professional' } }, required: ['mode'] },
  then: {},
  else: { required: fields },
});
const standardOnly = { mode: ['standard'] };

export const CONNECTION_TYPES: Record<ConnectionTypeName, ConnectionTypeDef> = {
  mysql: {
    type: 'mysql',
    label: 'MySQL / MariaDB',
    database: true,
    paramsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        mode,
        host: { type: 'string', title: 'Host', minLength: 1 },
        port: port(3306),
        database: { type: 'string', title: 'Database' },
        user: { type: 'string', title: 'User' },
        charset: { type: 'string', title: 'Charset', default: 'utf8mb4' },
        timeoutMs,
      },
      ...requireUnlessProfessional(['host', 'user']),
    },
    secrets: [
      { name: 'password', label: 'Password', showIf: standardOnly },
      { name: 'connectionString', label: 'Connection string', showIf: { mode: ['professional'] }, required: true },
    ],
    ui: {
      order: ['mode', 'host', 'port', 'database', 'user', 'charset', 'timeoutMs'],
      showIf: { host: standardOnly, port: standardOnly, database: standardOnly, user: standardOnly, charset: standardOnly },
    },
  },
  postgres: {
    type: 'postgres',
    label: 'PostgreSQL',
    database: true,
    paramsSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['host', 'user'],
      properties: {
        host: { type: 'string', title: 'Host', minLength: 1 },
        port: port(5432),
        database: { type: 'string', title: 'Database' },
        user: { type: 'string', title: 'User' },
        ssl: { type: 'boolean', title: 'SSL', default: false },
        timeoutMs,
      },
    },
    secrets: [{ name: 'password', label: 'Password' }],
    ui: { order: ['host', 'port', 'database', 'user', 'ssl', 'timeoutMs'] },
  },
  oracle: {
    type: 'oracle',
    label: 'Oracle',
    database: true,
    paramsSchema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        mode,
        host: { type: 'string', title: 'Host', minLength: 1 },
        port: port(1521),
        serviceName: { type: 'string', title: 'Service name' },
        pdb: { type: 'string', title: 'PDB' },
        user: { type: 'string', title: 'User' },
        timeoutMs,
      },
      ...requireUnlessProfessional(['host', 'user']),
    },
    secrets: [
      { name: 'password', label: 'Password' },
      { name: 'connectString', label: 'Connect string', showIf: { mode: ['professional'] }, required: true },
    ],
    ui: {
      order: ['mode', 'host', 'port', 'serviceName', 'pdb', 'user', 'timeoutMs'],
      showIf: { host: standardOnly, port: standardOnly, serviceName: standardOnly, pdb: standardOnly },
    },
  },
  mqtt: {
    type: 'mqtt',
    label: 'MQTT broker',
    paramsSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', title: 'URL', pattern: '^(mqtts?|wss?)://.+' },
        clientId: { type: 'string', title: 'Client id' },
        username: { type: 'string', title: 'Username' },
        ca: { type: 'string', title: 'CA certificate (PEM)' },
        cert: { type: 'string', title: 'Client certificate (PEM)' },
        keepalive: { type: 'integer', minimum: 0, maximum: 65535, default: 60, title: 'Keep-alive (s)' },
        clean: { type: 'boolean', default: true, title: 'Clean session (shared client)' },
        timeoutMs,
      },
    },
    secrets: [
      { name: 'password', label: 'Password' },
      { name: 'key', label: 'Client key (PEM)', multiline: true },
    ],
    ui: { order: ['url', 'clientId', 'username', 'ca', 'cert', 'timeoutMs'] },
  },
  kafka: {
    type: 'kafka',
    label: 'Kafka',
    paramsSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['brokers'],
      properties: {
        brokers: {
          type: 'array', title: 'Brokers', minItems: 1,
          items: { type: 'string', title: 'host:port', pattern: '^[^\\s:]+:\\d{1,5}$' },
        },
        clientId: { type: 'string', title: 'Client id', default: 'tributary' },
        ssl: { type: 'boolean', title: 'SSL', default: false },
        sasl: {
          type: 'object',
          title: 'SASL',
          additionalProperties: false,
          required: ['mechanism'],
          properties: {
            mechanism: { type: 'string', title: 'Mechanism', enum: ['plain', 'scram-sha-256', 'scram-sha-512'] },
            username: { type: 'string', title: 'Username' },
          },
        },
        timeoutMs,
      },
    },
    secrets: [{ name: 'sasl.password', label: 'SASL password' }],
    ui: { order: ['brokers', 'clientId', 'ssl', 'sasl', 'timeoutMs'] },
  },
  http: {
    type: 'http',
    label: 'HTTP API',
    paramsSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['baseUrl'],
      properties: {
        baseUrl: { type: 'string', title: 'Base URL', pattern: '^https?://.+' },
        auth: { type: 'string', title: 'Authentication', enum: ['none', 'basic', 'bearer', 'apiKey'], default: 'none' },
        /** user name of basic auth */
        username: { type: 'string', title: 'Username' },
        /** header that carries the api key */
        apiKeyHeader: { type: 'string', title: 'API key header', minLength: 1, default: 'X-API-Key' },
        headers: { type: 'object', title: 'Default headers', additionalProperties: { type: 'string' } },
        timeoutMs,
      },
    },
    // the password (basic), the token (bearer) or the key (apiKey)
    secrets: [{ name: 'secret', label: 'Password / token / API key', showIf: { auth: ['basic', 'bearer', 'apiKey'] } }],
    ui: {
      order: ['baseUrl', 'auth', 'username', 'apiKeyHeader', 'headers', 'timeoutMs'],
      showIf: { username: { auth: ['basic'] }, apiKeyHeader: { auth: ['apiKey'] } },
    },
  },
};

export function isConnectionTypeName(value: unknown): value is ConnectionTypeName {
  return typeof value === 'string' && (CONNECTION_TYPE_NAMES as readonly string[]).includes(value);
}

export function isEnvironment(value: unknown): value is Environment {
  return typeof value === 'string' && (ENVIRONMENTS as readonly string[]).includes(value);
}

/** secret field names of a type, e.g. `['password', 'connectionString']` for mysql */
export function secretFieldNames(def: ConnectionTypeDef): string[] {
  return def.secrets.map((s) => s.name);
}

/** whether a `showIf` condition holds for these params */
export function conditionHolds(showIf: Record<string, unknown[]> | undefined, params: Record<string, unknown>): boolean {
  if (!showIf) return true;
  return Object.entries(showIf).every(([param, values]) => values.includes(params[param]));
}

/** secrets that must be set for these params (professional mode's connection string) */
export function requiredSecrets(def: ConnectionTypeDef, params: Record<string, unknown>): string[] {
  return def.secrets.filter((s) => s.required && conditionHolds(s.showIf, params)).map((s) => s.name);
}
