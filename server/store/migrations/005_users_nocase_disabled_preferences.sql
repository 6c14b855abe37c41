-- Usernames are unique without regard to case, so `Admin` cannot sit next to `admin`; users can
-- be disabled; each user keeps preferences (language) as a JSON object.
--
-- Names that already differ only in case: the oldest account keeps its name, every later one is
-- renamed to `<name>.<8 hex chars of its id>` (unique, still a valid username) and keeps its
-- password, role and sessions; an admin sees the new names in GET /api/users. The migration
-- never fails on them.
UPDATE users SET username = username || '.' || substr(id, 3, 8)
WHERE EXISTS (
  SELECT 1 FROM users older
  WHERE older.username = users.username COLLATE NOCASE
    AND older.id <> users.id
    AND (older.created_at < users.created_at OR (older.created_at = users.created_at AND older.id < users.id))
);
CREATE UNIQUE INDEX users_username_nocase ON users(username COLLATE NOCASE);

ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN preferences TEXT NOT NULL DEFAULT '{}';
