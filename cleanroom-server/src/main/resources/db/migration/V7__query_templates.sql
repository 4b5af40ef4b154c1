-- Approved, parameterised query templates (docs/GOVERNANCE.md, "Approved query templates").
create table query_template (
    collaboration_id  bigint not null references collaboration (id),
    name              varchar(64) not null,
    version           integer not null,
    description       text not null,
    sql_text          text not null,
    -- [{"name": ..., "type": ...}, ...]
    parameters_json   text not null,
    purpose           varchar(32),
    -- NULL: the policies' epsilon per query.
    epsilon_per_run   numeric(30, 12),
    -- Comma-separated member names.
    result_receivers  text not null,
    -- Comma-separated tables the template reads (owner.dataset), from its analysis.
    datasets          text not null,
    -- DRAFT, APPROVED (the one that runs) or SUPERSEDED.
    status            varchar(16) not null,
    author_member_id  bigint not null references member (id),
    created_at        timestamptz not null default now(),
    primary key (collaboration_id, name, version)
);

create table query_template_approval (
    collaboration_id    bigint not null,
    name                varchar(64) not null,
    version             integer not null,
    dataset             varchar(130) not null,
    approver_member_id  bigint not null references member (id),
    approved_at         timestamptz not null default now(),
    primary key (collaboration_id, name, version, dataset),
    foreign key (collaboration_id, name, version)
        references query_template (collaboration_id, name, version)
);

-- A run's answer, kept for its result receivers.
create table template_run (
    id                varchar(64) primary key,
    collaboration_id  bigint not null references collaboration (id),
    name              varchar(64) not null,
    version           integer not null,
    runner_member_id  bigint not null references member (id),
    result_receivers  text not null,
    answer_json       text not null,
    created_at        timestamptz not null default now()
);
