package dev.cleanroom.testkit;

import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.querypolicy.analysis.DeclaredTable;
import dev.cleanroom.querypolicy.analysis.TestCatalog;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The policy layer's demo tables ({@link TestCatalog}, declared only) with rows, for an engine;
 * rows follow TestCatalog's column order.
 */
public final class TestTables {
  /** 2026-01-05T00:00Z, a Monday. */
  public static final long MONDAY = 1_767_571_200_000L;

  public static final long DAY = 86_400_000L;

  private TestTables() {}

  public static InMemoryTable customers(List<Object[]> rows, BufferAllocator allocator) {
    return InMemoryTable.of(columns(TestCatalog.customers()), rows, allocator);
  }

  public static InMemoryTable impressions(List<Object[]> rows, BufferAllocator allocator) {
    return InMemoryTable.of(columns(TestCatalog.impressions()), rows, allocator);
  }

  private static DatasetSchema columns(DeclaredTable table) {
    return new DatasetSchema(
        table.columns().stream()
            .map(column -> new ColumnDefinition(column.name(), column.type()))
            .toList());
  }
}
