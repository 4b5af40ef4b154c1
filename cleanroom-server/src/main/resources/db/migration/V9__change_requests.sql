-- Change requests (docs/GOVERNANCE.md, "Collaboration lifecycle"): a change that exposes a
-- provider's data takes effect only once every such provider has approved it.

-- A policy version that widens exposure waits for its providers: AWAITING_PROVIDERS (longer than
-- the 16 characters the statuses had), then APPROVED, or REFUSED by one of them.
alter table policy_version alter column status type varchar(32);

-- The providers a policy version awaits or awaited, each with its decision.
create table policy_provider_approval (
    dataset_id          bigint not null,
    version             integer not null,
    provider_member_id  bigint not null references member (id),
    -- AWAITED, APPROVED or REFUSED.
    status              varchar(16) not null,
    decided_at          timestamptz,
    primary key (dataset_id, version, provider_member_id),
    foreign key (dataset_id, version) references policy_version (dataset_id, version)
);

-- A change to a collaboration's membership, applied once every provider it snapshots approves.
create table change_request (
    collaboration_id  bigint not null references collaboration (id),
    -- 1, 2, ... within the collaboration.
    number            integer not null,
    -- ADD_MEMBER.
    kind              varchar(32) not null,
    member_name       varchar(64) not null,
    -- Comma-separated subset of PROVIDER, ANALYST, PRIVACY_OFFICER.
    member_roles      varchar(128) not null,
    -- PENDING, APPLIED or REJECTED.
    status            varchar(16) not null,
    -- A member's name, or 'operator'.
    requested_by      varchar(64) not null,
    created_at        timestamptz not null default now(),
    decided_at        timestamptz,
    primary key (collaboration_id, number)
);

-- The providers of the collaboration when the request was made, each with its decision.
create table change_request_approval (
    collaboration_id    bigint not null,
    number              integer not null,
    provider_member_id  bigint not null references member (id),
    -- AWAITED, APPROVED or REJECTED.
    status              varchar(16) not null,
    decided_at          timestamptz,
    primary key (collaboration_id, number, provider_member_id),
    foreign key (collaboration_id, number) references change_request (collaboration_id, number)
);
