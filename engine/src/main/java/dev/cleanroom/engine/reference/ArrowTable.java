package dev.cleanroom.engine.reference;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.ArrowTableData;
import dev.cleanroom.engine.ColumnValues;
import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.QueryMemory;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ProjectableFilterableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A bound table of one query as a Calcite table: the plan's scan row type over the supplied Arrow
 * batches. Only projected columns are read; filters are left to Calcite. Every row read is charged
 * to the query's memory account, which also stops the scan once the query is interrupted. The data
 * must stay open while the query runs.
 */
final class ArrowTable extends AbstractTable implements ProjectableFilterableTable {
  private final ArrowTableData data;
  private final RelDataType rowType;
  private final QueryMemory memory;

  ArrowTable(ArrowTableData data, RelDataType rowType, QueryMemory memory) {
    this.data = requireNonNull(data, "data is null");
    this.rowType = requireNonNull(rowType, "rowType is null");
    this.memory = requireNonNull(memory, "memory is null");
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return rowType;
  }

  @Override
  public Enumerable<@Nullable Object[]> scan(
      DataContext root, List<RexNode> filters, int @Nullable [] projects) {
    int[] columns = projects != null ? projects.clone() : allColumns(rowType.getFieldCount());
    for (int column : columns) {
      String name = rowType.getFieldList().get(column).getName();
      if (data.schema().findField(name) == null) {
        throw new ExecutionException(
            ExecutionErrorCode.COLUMN_MISMATCH, "column '" + name + "' is not in the bound data");
      }
    }
    List<String> names = rowType.getFieldNames();
    List<VectorSchemaRoot> batches = data.batches();
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<@Nullable Object[]> enumerator() {
        return new BatchEnumerator(batches, names, columns, memory);
      }
    };
  }

  private static int[] allColumns(int size) {
    int[] columns = new int[size];
    for (int i = 0; i < size; i++) {
      columns[i] = i;
    }
    return columns;
  }

  /** Walks the batches row by row, materialising only the projected columns. */
  private static final class BatchEnumerator implements Enumerator<@Nullable Object[]> {
    private final List<VectorSchemaRoot> batches;
    private final List<String> names;
    private final int[] columns;
    private final QueryMemory memory;
    private int batchIndex = -1;
    private int row;
    private int rowsInBatch;
    private FieldVector[] vectors;
    private @Nullable Object[] current;

    BatchEnumerator(
        List<VectorSchemaRoot> batches, List<String> names, int[] columns, QueryMemory memory) {
      this.batches = batches;
      this.names = names;
      this.columns = columns;
      this.memory = memory;
    }

    @Override
    public @Nullable Object[] current() {
      if (current == null) {
        throw new java.util.NoSuchElementException();
      }
      return current;
    }

    @Override
    public boolean moveNext() {
      while (row + 1 >= rowsInBatch) {
        if (batchIndex + 1 >= batches.size()) {
          current = null;
          return false;
        }
        batchIndex++;
        VectorSchemaRoot batch = batches.get(batchIndex);
        rowsInBatch = batch.getRowCount();
        row = -1;
        vectors = new FieldVector[columns.length];
        for (int i = 0; i < columns.length; i++) {
          vectors[i] = batch.getVector(names.get(columns[i]));
        }
      }
      row++;
      @Nullable Object[] values = new Object[columns.length];
      for (int i = 0; i < columns.length; i++) {
        values[i] = ColumnValues.valueAt(vectors[i], row);
      }
      memory.reserve(BoxedRows.bytes(values));
      current = values;
      return true;
    }

    @Override
    public void reset() {
      batchIndex = -1;
      row = 0;
      rowsInBatch = 0;
      current = null;
    }

    @Override
    public void close() {
      // The batches belong to the bound table, which outlives the query.
    }
  }
}
