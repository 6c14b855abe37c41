/**
 * The credentials typed into flow nodes, at rest: sealed with the key of connection secrets
 * (AES-256-GCM, bound to the flow id) in flow_secrets, never in a flow document or version.
 * Also the list of every such value in clear, for masking traces and logs by value.
 */
import type { FlowDocument } from '../../core/flow-types.ts';
import type { Logger } from '../../core/logger.ts';
import type { SecretBox } from '../secrets/cipher.ts';
import type { FlowsRepo, SealSecrets } from '../store/flows.ts';
import type { SettingsRepo } from '../store/settings.ts';
import { redactSecrets, splitSecrets, type FlowSecretMap, type Specs } from './secret-slots.ts';

/** settings key: documents written before flow secrets existed have been sealed */
const LEGACY_SEALED = 'flowSecretsSealed';

/** `Bearer abc` → also `abc`: a caller or a script may show the credential without its scheme */
const AUTH_SCHEME = /^(?:Bearer|Basic|Token|Digest|ApiKey)\s+(\S.*)$/i;

export class FlowSecrets {
  private valueCache: string[] | undefined;

  constructor(
    private readonly flows: FlowsRepo,
    private readonly box: SecretBox,
    private readonly specs: Specs,
  ) {}

  /** the flow's secrets in clear; SecretDecryptError when the key is wrong or the row was altered */
  open(flowId: string): FlowSecretMap {
    const sealed = this.flows.secrets(flowId);
    return sealed ? this.box.decrypt(sealed, aad(flowId)) : {};
  }

  /** what the repo writes with the document (no row when there is no secret) */
  sealer(secrets: FlowSecretMap): SealSecrets {
    return (flowId) => (Object.keys(secrets).length > 0 ? this.box.encrypt(secrets, aad(flowId)) : null);
  }

  /** every flow secret in clear, for the masker; the same array until `changed()` */
  values(): string[] {
    if (!this.valueCache) {
      const values = new Set<string>();
      for (const row of this.flows.allSecrets()) {
        let secrets: FlowSecretMap;
        try {
          secrets = this.box.decrypt(row.secretsEnc, aad(row.flowId));
        } catch {
          continue; // unreadable: the engine never gets it either
        }
        for (const v of Object.values(secrets)) {
          values.add(v);
          const bare = AUTH_SCHEME.exec(v)?.[1];
          if (bare) values.add(bare);
        }
      }
      this.valueCache = [...values];
    }
    return this.valueCache;
  }

  /** after any write of flow secrets (save, delete) */
  changed(): void {
    this.valueCache = undefined;
  }

  /**
   * Once per data directory: moves credentials that an older release kept in clear inside flow
   * documents and their versions into flow_secrets, leaving `"***"`. Returns the flows changed.
   */
  sealLegacy(settings: SettingsRepo, log: Logger): number {
    if (settings.get(LEGACY_SEALED) === true) return 0;
    let count = 0;
    for (const flow of this.flows.list()) {
      const current = redactSecrets(flow.doc, this.specs);
      const old = this.flows.versions(flow.id).flatMap((v) => {
        const r = redactSecrets(v.doc, this.specs);
        return r.changed ? [{ version: v.version, doc: r.doc }] : [];
      });
      if (!current.changed && old.length === 0) continue;
      let kept: FlowSecretMap = {};
      try {
        kept = this.open(flow.id);
      } catch {
        // unreadable: the clear values in the document are all there is
      }
      const split = splitSecrets(flow.doc, this.specs, { doc: flow.doc, secrets: kept });
      this.flows.rewrite(flow.id, split.stored as FlowDocument, old, this.sealer(split.secrets));
      count++;
    }
    settings.set(LEGACY_SEALED, true);
    if (count > 0) log.info('credentials in flow documents moved to encrypted storage', { flows: count });
    this.changed();
    return count;
  }
}

function aad(flowId: string): string {
  return `flow-secrets:${flowId}`;
}
