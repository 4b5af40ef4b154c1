package dev.cleanroom.engine;

/**
 * One immutable version of a table stored as Parquet files (with Parquet modular encryption) in a
 * location every worker of an engine outside the server's process reads. The location names the
 * version, never a cell value; a new version of a dataset is a new location.
 */
public interface ParquetTableData extends TableData {
  /**
   * Where the version's Parquet files are, as a URI the engine's workers read (a directory holding
   * only this version's files): {@code file:///srv/cleanroom/parquet/ds-1/v3} here, object storage
   * or HDFS in production.
   */
  String location();
}
