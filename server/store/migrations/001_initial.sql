-- Initial schema. Timestamps are ISO-8601 UTC strings; *_json / doc / params / value / data hold JSON text.

CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
  created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE flows (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  version     INTEGER NOT NULL,
  doc         TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'stopped' CHECK (state IN ('running', 'stopped', 'error')),
  state_error TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);

CREATE TABLE flow_versions (
  flow_id    TEXT NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
  version    INTEGER NOT NULL,
  doc        TEXT NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT,
  PRIMARY KEY (flow_id, version)
);

-- no foreign key to flows: the engine may still finish a run of a flow being deleted
CREATE TABLE runs (
  id           TEXT PRIMARY KEY,
  flow_id      TEXT NOT NULL,
  flow_version INTEGER NOT NULL,
  "trigger"    TEXT NOT NULL,
  status       TEXT NOT NULL,
  started_at   TEXT NOT NULL,
  ended_at     TEXT,
  error        TEXT
);
CREATE INDEX runs_flow_started ON runs(flow_id, started_at);
CREATE INDEX runs_status_started ON runs(status, started_at);

CREATE TABLE steps (
  run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  seq        INTEGER NOT NULL,
  node_id    TEXT NOT NULL,
  iteration  INTEGER,
  status     TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at   TEXT,
  data       TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE node_state (
  flow_id    TEXT NOT NULL,
  node_id    TEXT NOT NULL,
  key        TEXT NOT NULL,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (flow_id, node_id, key)
);

CREATE TABLE connections (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  type        TEXT NOT NULL,
  environment TEXT NOT NULL CHECK (environment IN ('development', 'test', 'production')),
  params      TEXT NOT NULL,
  secrets_enc TEXT,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX connections_type ON connections(type, environment);

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
