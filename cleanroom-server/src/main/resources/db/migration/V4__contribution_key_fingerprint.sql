-- Fingerprints of server secrets that must stay stable, recorded at the first start: an HMAC of a
-- constant under the secret, which tells nothing about the secret but shows when it changed.
create table secret_fingerprint (
    name         varchar(64) primary key,
    fingerprint  char(64) not null,
    recorded_at  timestamptz not null default now()
);
