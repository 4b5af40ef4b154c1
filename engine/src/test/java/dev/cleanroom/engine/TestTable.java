package dev.cleanroom.engine;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The same rows as Arrow batches (for the executor) and as a Calcite {@link ScannableTable} (for
 * the enumerable engine). Values are in the engines' row representation (docs/ARCHITECTURE.md).
 */
public final class TestTable extends AbstractTable implements ScannableTable, ArrowTableData {
  /** A column: its name and declared type; DECIMAL is DECIMAL(12, 2). */
  public record ColumnSpec(String name, SqlTypeName type, boolean nullable) {}

  private final List<ColumnSpec> columns;
  private final List<Object[]> rows;
  private final Schema schema;
  private final List<VectorSchemaRoot> batches = new ArrayList<>();

  public TestTable(
      List<ColumnSpec> columns, List<Object[]> rows, int batchSize, BufferAllocator allocator) {
    this.columns = List.copyOf(columns);
    this.rows = List.copyOf(rows);
    List<Field> fields = new ArrayList<>();
    for (ColumnSpec column : columns) {
      fields.add(
          new Field(column.name(), new FieldType(true, arrowType(column.type()), null), null));
    }
    this.schema = new Schema(fields);
    for (int start = 0;
        start < rows.size() || (start == 0 && batches.isEmpty());
        start += batchSize) {
      int end = Math.min(rows.size(), start + batchSize);
      VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
      root.allocateNew();
      for (int c = 0; c < columns.size(); c++) {
        FieldVector vector = root.getVector(c);
        for (int r = start; r < end; r++) {
          set(vector, r - start, rows.get(r)[c]);
        }
        vector.setValueCount(end - start);
      }
      root.setRowCount(end - start);
      batches.add(root);
      if (rows.isEmpty()) {
        break;
      }
    }
  }

  private static ArrowType arrowType(SqlTypeName type) {
    return switch (type) {
      case BIGINT -> new ArrowType.Int(64, true);
      case INTEGER -> new ArrowType.Int(32, true);
      case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case VARCHAR -> ArrowType.Utf8.INSTANCE;
      case BOOLEAN -> ArrowType.Bool.INSTANCE;
      case DATE -> new ArrowType.Date(DateUnit.DAY);
      case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
      case DECIMAL -> new ArrowType.Decimal(12, 2, 128);
      default -> throw new IllegalArgumentException("no Arrow type for " + type);
    };
  }

  private static void set(FieldVector vector, int index, Object value) {
    if (value == null) {
      vector.setNull(index);
      return;
    }
    if (vector instanceof BigIntVector v) {
      v.setSafe(index, (Long) value);
    } else if (vector instanceof IntVector v) {
      v.setSafe(index, (Integer) value);
    } else if (vector instanceof Float8Vector v) {
      v.setSafe(index, (Double) value);
    } else if (vector instanceof VarCharVector v) {
      v.setSafe(index, ((String) value).getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof BitVector v) {
      v.setSafe(index, (Boolean) value ? 1 : 0);
    } else if (vector instanceof DateDayVector v) {
      v.setSafe(index, (Integer) value);
    } else if (vector instanceof TimeStampMicroVector v) {
      v.setSafe(index, (Long) value * 1000L);
    } else if (vector instanceof DecimalVector v) {
      v.setSafe(index, (BigDecimal) value);
    } else {
      throw new IllegalArgumentException("unexpected vector " + vector.getClass());
    }
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public List<VectorSchemaRoot> batches() {
    return batches;
  }

  public void close() {
    batches.forEach(VectorSchemaRoot::close);
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    RelDataTypeFactory.Builder builder = typeFactory.builder();
    for (ColumnSpec column : columns) {
      RelDataType type =
          switch (column.type()) {
            case DECIMAL -> typeFactory.createSqlType(SqlTypeName.DECIMAL, 12, 2);
            case TIMESTAMP -> typeFactory.createSqlType(SqlTypeName.TIMESTAMP, 3);
            default -> typeFactory.createSqlType(column.type());
          };
      builder.add(column.name(), typeFactory.createTypeWithNullability(type, column.nullable()));
    }
    return builder.build();
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root) {
    return Linq4j.asEnumerable(rows);
  }
}
