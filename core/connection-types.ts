/**
 * What every connection type of SPEC §8 has in common: the shape of its definition (label,
 * params JSON Schema with defaults, secret fields), of a saved profile as the API shows it, and
 * the environments. Each type's definition lives in its connector (connectors/<type>/profile.ts).
 * The server validates params against `paramsSchema` (ajv, defaults applied) and keeps secrets
 * apart, encrypted, in a flat map keyed by the secret's name — e.g. `secrets["sasl.password"]`
 * for kafka, `secrets.secret` for http.
 */
import type { JsonSchema, NodeDefinition } from './node-spec.ts';

export const ENVIRONMENTS = ['development', 'test', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

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

/**
 * One connector: its connection type and the node types that use it. Pure (the editor imports
 * it); by convention its driver is `connectors/<type>/driver.ts` and each node type's runtime
 * `connectors/<type>/<node type>/runtime.ts` (catalogue/server.ts loads them).
 */
export interface Connector {
  profile: ConnectionTypeDef;
  nodes: NodeDefinition[];
}

/** `"***"` stands for a secret that is set; sent back unchanged it keeps the stored value. */
export const SECRET_MASK = '***';

/** A saved connection as the API answers it: never a secret value (SPEC §7). */
/** a connection test's answer and when it was given */
export interface ConnectionTestSummary { ok: boolean; error?: string; hint?: string; at: string }

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
  /** the last test of the saved profile since the server started (dropped when it changes) */
  lastTest?: ConnectionTestSummary;
  /** GET /api/connections/:id only: the flows whose nodes use it */
  usedBy?: { flowId: string; name: string }[];
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
