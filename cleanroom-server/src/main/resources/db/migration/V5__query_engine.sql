-- Which engine runs a collaboration's queries (vectorized, spark or auto); null follows the
-- server's cleanroom.query.engine.
alter table collaboration add column query_engine varchar(16);

-- Whether a data version runs on the scale-out engine when the engine is auto: its row count
-- compared, with noise, to cleanroom.query.spark-threshold-rows once, when it is stored. Null for
-- versions stored before this column existed; the server marks them at start-up.
alter table dataset_version add column scale_out boolean;
