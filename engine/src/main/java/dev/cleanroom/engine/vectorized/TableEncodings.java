package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.ArrowTableData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Encodings computed once per loaded table, not per query: each string column dictionary-encoded
 * (so joins and groups on 64-character fingerprints compare ints), and translations between two
 * columns' dictionaries (so a join of two tables on strings never hashes a string per query).
 */
final class TableEncodings {
  private final Map<ArrowTableData, Map<String, DictionaryColumn>> stringColumns =
      new WeakHashMap<>();
  private final Map<StringDictionary, Map<StringDictionary, int[]>> translations =
      new WeakHashMap<>();
  private final AtomicLong translationsComputed = new AtomicLong();

  /** The whole column {@code name} of {@code table} as dictionary codes over all batches. */
  DictionaryColumn stringColumn(ArrowTableData table, String name) {
    Map<String, DictionaryColumn> columns = columnsOf(table);
    DictionaryColumn column;
    synchronized (columns) {
      column = columns.get(name);
    }
    if (column != null) {
      return column;
    }
    // Encoded outside the lock, so columns encode in parallel; a racing duplicate is dropped.
    DictionaryColumn encoded = encode(table.batches(), name);
    synchronized (columns) {
      return columns.computeIfAbsent(name, n -> encoded);
    }
  }

  /** The string columns of {@code table} encoded so far, by name. */
  Map<String, DictionaryColumn> encodedColumns(ArrowTableData table) {
    Map<String, DictionaryColumn> columns;
    synchronized (stringColumns) {
      columns = stringColumns.get(table);
    }
    if (columns == null) {
      return Map.of();
    }
    synchronized (columns) {
      return Map.copyOf(columns);
    }
  }

  /**
   * Keeps {@code column} as the encoding of {@code name} in {@code table} (read back from where an
   * earlier load stored it), unless one is kept already.
   */
  void restore(ArrowTableData table, String name, DictionaryColumn column) {
    Map<String, DictionaryColumn> columns = columnsOf(table);
    synchronized (columns) {
      columns.putIfAbsent(name, column);
    }
  }

  /**
   * Encodes the string columns of {@code table} named in {@code columnNames} now (those kept
   * already are not encoded again); their names.
   */
  Set<String> encode(ArrowTableData table, Set<String> columnNames) {
    Set<String> strings =
        columnNames.stream()
            .filter(name -> isString(table, name))
            .collect(Collectors.toUnmodifiableSet());
    strings.parallelStream().forEach(name -> stringColumn(table, name));
    return strings;
  }

  /** Whether {@code table} has a string column {@code name}: one this encodes. */
  static boolean isString(ArrowTableData table, String name) {
    return table.schema().getFields().stream()
        .anyMatch(
            field -> field.getName().equals(name) && field.getType() instanceof ArrowType.Utf8);
  }

  /** The encodings kept for {@code table}, by column (guarded by itself). */
  private Map<String, DictionaryColumn> columnsOf(ArrowTableData table) {
    synchronized (stringColumns) {
      return stringColumns.computeIfAbsent(table, t -> new HashMap<>());
    }
  }

  /**
   * For each code of {@code from}, the code of the same string in {@code to}, or -1; computed the
   * first time on {@code context}'s threads.
   */
  int[] translation(StringDictionary from, StringDictionary to, QueryContext context) {
    Map<StringDictionary, int[]> byTarget;
    synchronized (translations) {
      byTarget = translations.computeIfAbsent(from, d -> new WeakHashMap<>());
    }
    synchronized (byTarget) {
      return byTarget.computeIfAbsent(
          to,
          target -> {
            translationsComputed.incrementAndGet();
            return target.translate(from, context);
          });
    }
  }

  /** How many translations were computed since this was created (each kept one counts once). */
  long translationsComputed() {
    return translationsComputed.get();
  }

  private static DictionaryColumn encode(List<VectorSchemaRoot> batches, String name) {
    int rowCount = 0;
    for (VectorSchemaRoot batch : batches) {
      rowCount += batch.getRowCount();
    }
    int[] codes = new int[rowCount];
    Utf8DictionaryBuilder dictionary = new Utf8DictionaryBuilder();
    int row = 0;
    for (VectorSchemaRoot batch : batches) {
      int count = batch.getRowCount();
      dictionary.encode((VarCharVector) batch.getVector(name), count, codes, row);
      row += count;
    }
    return new DictionaryColumn(codes, dictionary.dictionary());
  }
}
