-- Credentials typed into flow nodes (a node spec's sensitive params, e.g. an http-in's bearer
-- token) live here, never in flows.doc or flow_versions.doc (those hold "***" in their place):
-- one AES-256-GCM JSON map per flow ("<nodeId>:<param>" → value), sealed with the key of
-- connection secrets and bound to the flow id. Only the latest version's secrets are kept.
CREATE TABLE flow_secrets (
  flow_id     TEXT PRIMARY KEY REFERENCES flows(id) ON DELETE CASCADE,
  secrets_enc TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
