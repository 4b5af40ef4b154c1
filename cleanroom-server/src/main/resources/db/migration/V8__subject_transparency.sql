-- Transparency for the people in the data (docs/GOVERNANCE.md, "Transparency for the people in
-- the data"): erasure receipts, and when a data version was removed.

-- One erasure of one person from one dataset. The person is recorded only as a keyed fingerprint
-- (HMAC-SHA256 under the server's subject key, which is not in this database), never as the value.
create table erasure_receipt (
    id                   char(36) primary key,
    dataset_id           bigint not null references dataset (id),
    subject_fingerprint  char(64) not null,
    -- The version written without the person.
    version              integer not null,
    rows_removed         bigint not null,
    -- Older versions removed from storage because they held a row of the person.
    versions_removed     integer[] not null,
    erased_by            bigint not null references member (id),
    erased_at            timestamptz not null default now()
);

create index erasure_receipt_subject on erasure_receipt (dataset_id, subject_fingerprint);

-- Set when a version's files are removed (an erasure removes the versions that held the person);
-- the row stays, so the history and the audit log keep naming it.
alter table dataset_version add column removed_at timestamptz;
