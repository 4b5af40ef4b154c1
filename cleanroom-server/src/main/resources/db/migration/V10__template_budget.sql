-- A template's own budget line (docs/GOVERNANCE.md, "Approved query templates"): the epsilon all
-- runs of the template may spend together, over all its versions; NULL: no line of its own.
alter table query_template add column budget numeric(30, 12);
