/**
 * Connection profiles (SPEC §8) on the store: validated params, secrets encrypted at rest and
 * write-only — reads show `"***"` for each secret that is set, and `"***"` sent back keeps it.
 */
import {
  DEFAULT_TIMEOUT_MS, ENVIRONMENTS, SECRET_MASK, isEnvironment, requiredSecrets, secretFieldNames,
  type ConnectionTypeDef, type ConnectionView, type Environment,
} from '../../core/connection-types.ts';
import type { ValidationIssue } from '../../core/node-spec.ts';
import { CONNECTION_TYPES } from '../../catalogue/index.ts';
import type { ConnectionProfileResolved, ConnectionDriver } from './driver-api.ts';
import type { ConnectionRow } from '../store/connections-repo.ts';
import { NotFoundError, ValidationError } from '../store/errors.ts';
import type { Store } from '../store/store.ts';
import { randomId } from '../store/util.ts';
import type { SecretBox } from '../secrets/cipher.ts';
import { createParamsValidator, type ParamsValidator } from './validate-params.ts';
import { runDriverTest, type ConnectionTestResult } from './test-connection.ts';
import { errorMessage, isRecord } from '../../core/guards.ts';

/** what API clients send; every field is checked */
export interface ConnectionInput {
  /** for an unsaved test of an edited profile: its stored secrets fill in `"***"` */
  id?: unknown;
  name?: unknown;
  type?: unknown;
  environment?: unknown;
  params?: unknown;
  secrets?: unknown;
}


export interface ConnectionServiceOptions {
  /** the connection types known, by name (default: every connector's, catalogue/index.ts) */
  types?: Readonly<Record<string, ConnectionTypeDef>>;
}

const MAX_NAME = 200;

/** moves `params.password`, `params.sasl.password`, … into the secrets map */
function pullSecretsFromParams(params: Record<string, unknown>, names: string[]): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  for (const name of names) {
    const path = name.split('.');
    let holder: Record<string, unknown> | undefined = params;
    for (const seg of path.slice(0, -1)) {
      const next: unknown = holder?.[seg];
      holder = isRecord(next) ? next : undefined;
    }
    const last = path[path.length - 1] as string;
    if (holder && last in holder) {
      found[name] = holder[last];
      delete holder[last];
    }
  }
  return found;
}

interface Prepared {
  name: string;
  type: string;
  environment: Environment;
  params: Record<string, unknown>;
  secrets: Record<string, string>;
}

export class ConnectionService {
  private readonly types: Readonly<Record<string, ConnectionTypeDef>>;
  private readonly validateParams: ParamsValidator;
  private readonly listeners = new Set<(id: string) => void>();
  private secretCache: string[] | undefined;

  constructor(
    private readonly store: Pick<Store, 'connections'>,
    private readonly box: SecretBox,
    options: ConnectionServiceOptions = {},
  ) {
    this.types = options.types ?? CONNECTION_TYPES;
    this.validateParams = createParamsValidator(this.types);
  }

  /** the definition of a connection type (undefined for an unknown one) */
  typeDef(type: string): ConnectionTypeDef | undefined {
    return this.types[type];
  }

  list(filter: { environment?: string; type?: string } = {}): ConnectionView[] {
    return this.store.connections.list(filter).map((r) => this.view(r));
  }

  get(id: string): ConnectionView | undefined {
    const row = this.store.connections.get(id);
    return row ? this.view(row) : undefined;
  }

  /** ValidationError (paths like `params.port`), ConflictError when the name is taken */
  create(input: unknown): ConnectionView {
    const id = randomId('c_');
    const p = this.prepare(input, undefined);
    const row = this.store.connections.insert(id, {
      name: p.name, type: p.type, environment: p.environment, params: p.params, secretsEnc: this.seal(p.secrets, id),
    });
    this.changed(id);
    return this.view(row);
  }

  /** fields left out keep their value; a secret sent as `"***"` or left out is kept, `null` or `""` clears it */
  update(id: string, input: unknown): ConnectionView | undefined {
    const existing = this.store.connections.get(id);
    if (!existing) return undefined;
    const p = this.prepare(input, existing);
    const row = this.store.connections.update(id, {
      name: p.name, type: p.type, environment: p.environment, params: p.params, secretsEnc: this.seal(p.secrets, id),
    });
    this.changed(id);
    return row ? this.view(row) : undefined;
  }

  delete(id: string): boolean {
    const done = this.store.connections.delete(id);
    if (done) this.changed(id);
    return done;
  }

  /** the profile with secrets decrypted; NotFoundError, SecretDecryptError */
  resolve(id: string): ConnectionProfileResolved {
    const row = this.store.connections.get(id);
    if (!row) throw new NotFoundError('connection', id);
    return {
      id: row.id, name: row.name, type: row.type, environment: row.environment,
      params: row.params, secrets: this.open(row),
    };
  }

  /** an unsaved profile (test before save), validated like create; ValidationError */
  resolveInput(input: unknown): ConnectionProfileResolved {
    const body = isRecord(input) ? input : {};
    const existing = typeof body['id'] === 'string' ? this.store.connections.get(body['id']) : undefined;
    const p = this.prepare(input, existing, { partial: false });
    return { id: existing?.id ?? '', ...p };
  }

  /** `{ok:true}` or `{ok:false,error}` within the profile's timeoutMs; never throws */
  async test(profileOrId: string | ConnectionInput, drivers: ReadonlyMap<string, ConnectionDriver>): Promise<ConnectionTestResult> {
    let profile: ConnectionProfileResolved;
    try {
      profile = typeof profileOrId === 'string' ? this.resolve(profileOrId) : this.resolveInput(profileOrId);
    } catch (err) {
      return { ok: false, error: errorMessage(err) };
    }
    const driver = drivers.get(profile.type);
    if (!driver) return { ok: false, error: `no driver for connection type "${profile.type}"` };
    const t = profile.params['timeoutMs'];
    const timeoutMs = typeof t === 'number' && t > 0 ? t : DEFAULT_TIMEOUT_MS;
    return runDriverTest(driver, profile, timeoutMs);
  }

  /** every decrypted secret string, for masking traces and logs (cached until a change) */
  secretValues(): string[] {
    if (!this.secretCache) {
      const values = new Set<string>();
      for (const row of this.store.connections.list()) {
        try {
          for (const v of Object.values(this.open(row))) if (v) values.add(v);
        } catch {
          // unreadable secrets cannot leak either
        }
      }
      this.secretCache = [...values];
    }
    return this.secretCache;
  }

  /** called with the id after every create/update/delete (the pool drops stale clients) */
  onChange(listener: (id: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(id: string): void {
    this.secretCache = undefined;
    for (const l of this.listeners) l(id);
  }

  private seal(secrets: Record<string, string>, id: string): string | null {
    return Object.keys(secrets).length > 0 ? this.box.encrypt(secrets, id) : null;
  }

  private open(row: ConnectionRow): Record<string, string> {
    return row.secretsEnc ? this.box.decrypt(row.secretsEnc, row.id) : {};
  }

  private view(row: ConnectionRow): ConnectionView {
    const view: ConnectionView = {
      id: row.id, name: row.name, type: row.type, environment: row.environment,
      params: row.params, secrets: {}, createdAt: row.createdAt, updatedAt: row.updatedAt,
    };
    try {
      for (const name of Object.keys(this.open(row))) view.secrets[name] = SECRET_MASK;
    } catch {
      view.secretsUnreadable = true;
    }
    return view;
  }

  /** checks input; on update merges it over `existing` */
  private prepare(input: unknown, existing: ConnectionRow | undefined, opts: { partial?: boolean } = {}): Prepared {
    const partial = opts.partial ?? existing !== undefined;
    const issues: ValidationIssue[] = [];
    const fail = (): never => {
      const summary = issues.map((i) => (i.path ? `${i.path} ${i.message}` : `the body ${i.message}`)).join('; ');
      throw new ValidationError(`invalid connection: ${summary}`, issues, 'CONNECTION_INVALID', { count: issues.length });
    };
    if (!isRecord(input)) {
      issues.push({ path: '', message: 'must be a JSON object' });
      fail();
    }
    const body = input as Record<string, unknown>;
    const has = (k: string): boolean => body[k] !== undefined;

    let name = existing?.name ?? '';
    if (has('name') || !partial) {
      const n = body['name'];
      if (typeof n !== 'string' || n.trim() === '') issues.push({ path: 'name', message: 'is required' });
      else if (n.trim().length > MAX_NAME) issues.push({ path: 'name', message: `must have at most ${MAX_NAME} characters` });
      else name = n.trim();
    }

    let type = existing?.type ?? '';
    if (has('type') || !partial) {
      const t = body['type'];
      if (typeof t !== 'string' || !(t in this.types)) {
        issues.push({ path: 'type', message: `must be one of: ${Object.keys(this.types).join(', ')}` });
      } else type = t;
    }

    let environment: Environment = existing?.environment ?? 'development';
    if (has('environment')) {
      const e = body['environment'];
      if (!isEnvironment(e)) issues.push({ path: 'environment', message: `must be one of: ${ENVIRONMENTS.join(', ')}` });
      else environment = e;
    }

    const def = this.types[type];
    if (!def) return fail();
    const secretNames = secretFieldNames(def);

    // params: replaced whole when given; kept on update otherwise
    let rawParams: Record<string, unknown> = existing ? structuredClone(existing.params) : {};
    let fromParams: Record<string, unknown> = {};
    if (has('params')) {
      const p = body['params'];
      if (!isRecord(p)) issues.push({ path: 'params', message: 'must be an object' });
      else {
        rawParams = structuredClone(p);
        fromParams = pullSecretsFromParams(rawParams, secretNames);
      }
    }
    let params: Record<string, unknown> = rawParams;
    const checked = this.validateParams(type, rawParams);
    if (checked.ok) params = checked.params;
    else issues.push(...checked.issues);

    // secrets: explicit `secrets` win over ones found in params
    let incoming: Record<string, unknown> = { ...fromParams };
    if (body['secrets'] !== undefined) {
      const s = body['secrets'];
      if (!isRecord(s)) issues.push({ path: 'secrets', message: 'must be an object' });
      else incoming = { ...incoming, ...s };
    }
    let current: Record<string, string> = {};
    if (existing) {
      try {
        current = this.open(existing);
      } catch {
        current = {}; // unreadable: only what is sent now is kept
      }
    }
    const secrets: Record<string, string> = {};
    for (const n of secretNames) if (current[n] !== undefined) secrets[n] = current[n];
    for (const [key, value] of Object.entries(incoming)) {
      const path = `secrets.${key}`;
      if (!secretNames.includes(key)) {
        issues.push({ path, message: `is not a secret of ${type} connections (${secretNames.join(', ')})` });
      } else if (value === undefined || value === SECRET_MASK) {
        // keep
      } else if (value === null || value === '') {
        delete secrets[key];
      } else if (typeof value !== 'string') {
        issues.push({ path, message: 'must be a string' });
      } else {
        secrets[key] = value;
      }
    }
    if (checked.ok) {
      for (const n of requiredSecrets(def, params)) {
        if (!secrets[n]) issues.push({ path: `secrets.${n}`, message: 'is required' });
      }
    }
    if (issues.length > 0) fail();
    return { name, type, environment, params, secrets };
  }
}
