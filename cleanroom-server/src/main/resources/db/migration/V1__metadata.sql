-- Metadata of the clean room server. Cell values never live here: dataset rows are in the
-- encrypted dataset store; this schema holds who, what, which version and how much epsilon.

create table collaboration (
    id          bigserial primary key,
    name        varchar(64) not null unique,
    created_at  timestamptz not null default now()
);

create table member (
    id                bigserial primary key,
    collaboration_id  bigint not null references collaboration (id),
    name              varchar(64) not null,
    -- Comma-separated subset of PROVIDER, ANALYST, PRIVACY_OFFICER.
    roles             varchar(128) not null,
    unique (collaboration_id, name)
);

-- Only the SHA-256 of a key is stored; the key itself is shown once, when it is created.
create table api_key (
    key_hash    char(64) primary key,
    member_id   bigint not null references member (id),
    created_at  timestamptz not null default now(),
    revoked_at  timestamptz
);

create table dataset (
    id                      bigserial primary key,
    collaboration_id        bigint not null references collaboration (id),
    owner_member_id         bigint not null references member (id),
    name                    varchar(64) not null,
    -- The declaration as JSON: [{"name": ..., "type": ...}, ...].
    columns_json            text not null,
    current_version         integer,
    current_policy_version  integer,
    created_at              timestamptz not null default now(),
    unique (collaboration_id, name)
);

create table dataset_version (
    dataset_id   bigint not null references dataset (id),
    version      integer not null,
    -- Where the connectors' encrypted store keeps this version.
    storage_ref  varchar(512) not null,
    row_count    bigint not null,
    -- UPLOAD or ERASURE.
    reason       varchar(16) not null,
    created_by   bigint not null references member (id),
    created_at   timestamptz not null default now(),
    primary key (dataset_id, version)
);

create table policy_version (
    dataset_id          bigint not null references dataset (id),
    version             integer not null,
    document            text not null,
    -- DRAFT, APPROVED (the current one) or SUPERSEDED.
    status              varchar(16) not null,
    author_member_id    bigint not null references member (id),
    approver_member_id  bigint references member (id),
    created_at          timestamptz not null default now(),
    approved_at         timestamptz,
    primary key (dataset_id, version)
);

-- Epsilon spent per account and refresh period; reservations lock the row (SELECT ... FOR UPDATE).
create table budget_balance (
    collaboration  varchar(64) not null,
    analyst        varchar(64) not null,
    dataset        varchar(130) not null,
    period         varchar(16) not null,
    spent          numeric(30, 12) not null,
    primary key (collaboration, analyst, dataset, period)
);

create table budget_reservation (
    id             varchar(64) not null,
    collaboration  varchar(64) not null,
    analyst        varchar(64) not null,
    dataset        varchar(130) not null,
    period         varchar(16) not null,
    epsilon        numeric(30, 12) not null,
    -- RESERVED, COMMITTED or REFUNDED.
    status         varchar(16) not null,
    created_at     timestamptz not null default now(),
    primary key (id, collaboration, analyst, dataset)
);

-- Append-only and hash-chained per collaboration: hash = SHA-256(previous_hash, the event's fields).
create table audit_event (
    id                bigserial primary key,
    collaboration_id  bigint not null references collaboration (id),
    position          bigint not null,
    occurred_at       timestamptz not null,
    actor             varchar(64) not null,
    action            varchar(64) not null,
    datasets          text[] not null,
    detail            text not null,
    epsilon           numeric(30, 12),
    outcome           varchar(32) not null,
    previous_hash     char(64) not null,
    hash              char(64) not null,
    unique (collaboration_id, position)
);

-- The last event of each chain: appends lock this row, and verify detects a deleted tail.
create table audit_head (
    collaboration_id  bigint primary key references collaboration (id),
    position          bigint not null,
    hash              char(64) not null
);

-- A released answer, returned again at no cost for the same analyst, plan, data and policies.
create table cached_answer (
    collaboration_id  bigint not null references collaboration (id),
    analyst_member_id bigint not null references member (id),
    cache_key         char(64) not null,
    answer_json       text not null,
    created_at        timestamptz not null default now(),
    primary key (collaboration_id, analyst_member_id, cache_key)
);
