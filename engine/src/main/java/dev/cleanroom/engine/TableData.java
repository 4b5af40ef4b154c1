package dev.cleanroom.engine;

import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One immutable version of a table as an engine is given it: loaded into memory as Arrow batches
 * ({@link ArrowTableData}, what the in-process engines read) or left where it is stored as Parquet
 * files ({@link ParquetTableData}, what an engine outside the server's process reads). An engine
 * says which it reads ({@link Engine#reads()}); the server gives it that form.
 */
public interface TableData {
  /** The table's columns in the declared types' Arrow mapping (docs/ARCHITECTURE.md, Types). */
  Schema schema();
}
