-- API keys get a lifecycle: a public prefix that names a key (never the key), an optional expiry,
-- who created and revoked it, and which key replaced it on a rotation with a grace period.
-- Lookups stay a primary-key read on key_hash.
alter table api_key add column prefix varchar(16);
-- Keys made before this migration (the demo's well-known keys among them) are named by the start
-- of their hash: the key itself is not stored, and the hash's start tells nothing about the key.
update api_key set prefix = 'sha_' || substr(key_hash, 1, 8);
alter table api_key alter column prefix set not null;
alter table api_key add column created_by varchar(64);
alter table api_key add column expires_at timestamptz;
alter table api_key add column revoked_by varchar(64);
alter table api_key add column replaced_by varchar(16);
create unique index api_key_member_prefix on api_key (member_id, prefix);
