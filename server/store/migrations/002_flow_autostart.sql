-- Whether a flow should run whenever the server runs: set by a successful start, cleared by a
-- stop. At boot every such flow is started again, and retried while it cannot start (a broker
-- or database that is down), whatever state the last attempt left it in.
ALTER TABLE flows ADD COLUMN autostart INTEGER NOT NULL DEFAULT 0;
UPDATE flows SET autostart = 1 WHERE state = 'running';
