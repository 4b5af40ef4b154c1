-- Epsilon spent per dataset and refresh period by all analysts together, against the policy's
-- datasetBudget. A reservation locks this row before the analyst's own budget_balance row.
create table budget_dataset_balance (
    collaboration  varchar(64) not null,
    dataset        varchar(130) not null,
    period         varchar(16) not null,
    spent          numeric(30, 12) not null,
    primary key (collaboration, dataset, period)
);

-- What the analysts had spent before is what they spent together.
insert into budget_dataset_balance (collaboration, dataset, period, spent)
select collaboration, dataset, period, sum(spent)
from budget_balance
group by collaboration, dataset, period;
