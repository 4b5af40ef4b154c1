-- The collaboration's term: queries are answered from starts_at (inclusive) until ends_at
-- (exclusive); either may be absent (no start: open from creation; no end: open-ended).
alter table collaboration add column starts_at timestamptz;
alter table collaboration add column ends_at timestamptz;
