package dev.cleanroom.connectors.ingest;

import dev.cleanroom.engine.ColumnValues;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A sink that keeps every row as engine values, for assertions. */
final class RowCollector implements BatchSink {
  final List<List<Object>> rows = new ArrayList<>();
  int batches;

  @Override
  public void accept(VectorSchemaRoot batch) {
    batches++;
    for (int row = 0; row < batch.getRowCount(); row++) {
      List<Object> values = new ArrayList<>();
      for (int column = 0; column < batch.getFieldVectors().size(); column++) {
        values.add(ColumnValues.valueAt(batch.getVector(column), row));
      }
      rows.add(values);
    }
  }
}
