package dev.cleanroom.engine;

import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One immutable version of a table held as Arrow record batches, as the executor reads it.
 *
 * <p>The executor caches encodings (dictionaries of string columns) per instance, so an instance
 * must never change its data: a new version of a dataset is a new instance.
 */
public interface ArrowTableData extends TableData {
  /** The table's columns; every batch has exactly these fields. */
  @Override
  Schema schema();

  /** The table's rows, batch by batch; the executor only reads them. */
  List<VectorSchemaRoot> batches();
}
