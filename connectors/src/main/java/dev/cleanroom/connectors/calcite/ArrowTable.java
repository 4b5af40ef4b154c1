package dev.cleanroom.connectors.calcite;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.dataset.ColumnValues;
import dev.cleanroom.connectors.dataset.LoadedDataset;
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
 * A loaded dataset version as a Calcite table. Only projected columns are read; filters are left to
 * Calcite. The dataset must stay open while queries over this table run.
 */
public final class ArrowTable extends AbstractTable implements ProjectableFilterableTable {
  private final LoadedDataset dataset;

  public ArrowTable(LoadedDataset dataset) {
    this.dataset = requireNonNull(dataset, "dataset is null");
  }

  public LoadedDataset dataset() {
    return dataset;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return CalciteTypes.rowType(dataset.schema(), typeFactory);
  }

  @Override
  public Enumerable<@Nullable Object[]> scan(
      DataContext root, List<RexNode> filters, int @Nullable [] projects) {
    int[] columns = projects != null ? projects.clone() : allColumns(dataset.schema().size());
    List<VectorSchemaRoot> batches = dataset.batches();
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<@Nullable Object[]> enumerator() {
        return new BatchEnumerator(batches, columns);
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
    private final int[] columns;
    private int batchIndex = -1;
    private int row;
    private int rowsInBatch;
    private FieldVector[] vectors;
    private @Nullable Object[] current;

    BatchEnumerator(List<VectorSchemaRoot> batches, int[] columns) {
      this.batches = batches;
      this.columns = columns;
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
          vectors[i] = batch.getVector(columns[i]);
        }
      }
      row++;
      @Nullable Object[] values = new Object[columns.length];
      for (int i = 0; i < columns.length; i++) {
        values[i] = ColumnValues.valueAt(vectors[i], row);
      }
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
      // The batches belong to the dataset, which outlives the query.
    }
  }
}
