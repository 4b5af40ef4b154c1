package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one key column of a group-by, partition or join key as a long "word", with equal words
 * exactly for equal values (Java {@code equals} semantics, as Calcite's engine uses). NULL is
 * either its own word (strings, objects) or reported by {@link #isNull}.
 */
abstract sealed class KeyReader {
  /** A word that matches no value: an absent string or object on a join's probe side. */
  static final long NO_MATCH = Long.MIN_VALUE + 7;

  abstract long word(int row);

  abstract boolean isNull(int row);

  /** Whether the row's key can equal no key of the other side of a join (NULL or absent). */
  abstract boolean joinsNothing(int row);

  /** Readers for grouping {@code columns}, objects interned into ids. */
  static KeyReader[] forGrouping(List<Column> columns, int rowCount) {
    KeyReader[] readers = new KeyReader[columns.size()];
    for (int k = 0; k < readers.length; k++) {
      readers[k] = of(columns.get(k), rowCount);
    }
    return readers;
  }

  /**
   * Readers for a join's probe side that produce the build side's words: strings translated into
   * the build dictionary, objects looked up in the build side's interned ids.
   */
  static KeyReader[] forProbe(
      List<Column> probe, KeyReader[] build, List<Column> buildColumns, QueryContext context) {
    KeyReader[] readers = new KeyReader[probe.size()];
    for (int k = 0; k < readers.length; k++) {
      Column column = probe.get(k);
      KeyReader buildReader = build[k];
      if (column instanceof DictionaryColumn dictionary
          && buildColumns.get(k) instanceof DictionaryColumn buildDictionary) {
        int[] translation =
            dictionary.dictionary() == buildDictionary.dictionary()
                ? null
                : context
                    .encodings()
                    .translation(dictionary.dictionary(), buildDictionary.dictionary(), context);
        readers[k] = new TranslatedKey(dictionary.codes(), translation);
      } else if (buildReader instanceof InternedKey interned) {
        readers[k] = new LookupKey(column, interned.ids);
      } else if (buildReader instanceof LongKey && column instanceof LongColumn
          || buildReader instanceof LongKey
              && column instanceof ConstantColumn constant
              && constant.value() instanceof Long) {
        readers[k] = new LongKey(column);
      } else if (buildReader instanceof DoubleKey && column instanceof DoubleColumn) {
        readers[k] = new DoubleKey(column);
      } else {
        throw new ExecutionException(
            ExecutionErrorCode.UNSUPPORTED_PLAN,
            "a join whose key columns are held in different representations");
      }
    }
    return readers;
  }

  private static KeyReader of(Column column, int rowCount) {
    if (column instanceof DictionaryColumn dictionary) {
      return new TranslatedKey(dictionary.codes(), null);
    }
    if (column instanceof LongColumn) {
      return new LongKey(column);
    }
    if (column instanceof DoubleColumn) {
      return new DoubleKey(column);
    }
    if (column instanceof ConstantColumn constant && constant.value() instanceof Long) {
      return new LongKey(column);
    }
    if (column instanceof ConstantColumn constant && constant.value() instanceof Double) {
      return new DoubleKey(column);
    }
    return new InternedKey(column, rowCount);
  }

  /** Dictionary codes, optionally translated into another dictionary; -1 is NULL. */
  static final class TranslatedKey extends KeyReader {
    private final int[] codes;
    private final int[] translation;

    TranslatedKey(int[] codes, int[] translation) {
      this.codes = codes;
      this.translation = translation;
    }

    int[] codes() {
      return codes;
    }

    int[] translation() {
      return translation;
    }

    @Override
    long word(int row) {
      int code = codes[row];
      if (code < 0) {
        return -1;
      }
      if (translation == null) {
        return code;
      }
      int translated = translation[code];
      return translated < 0 ? NO_MATCH : translated;
    }

    @Override
    boolean isNull(int row) {
      return false;
    }

    @Override
    boolean joinsNothing(int row) {
      int code = codes[row];
      return code < 0 || (translation != null && translation[code] < 0);
    }
  }

  static final class LongKey extends KeyReader {
    private final Column column;

    LongKey(Column column) {
      this.column = column;
    }

    @Override
    long word(int row) {
      return column.isNull(row) ? 0 : column.longAt(row);
    }

    @Override
    boolean isNull(int row) {
      return column.isNull(row);
    }

    @Override
    boolean joinsNothing(int row) {
      return column.isNull(row);
    }
  }

  static final class DoubleKey extends KeyReader {
    private final Column column;

    DoubleKey(Column column) {
      this.column = column;
    }

    @Override
    long word(int row) {
      return column.isNull(row) ? 0 : Double.doubleToLongBits(column.doubleAt(row));
    }

    @Override
    boolean isNull(int row) {
      return column.isNull(row);
    }

    @Override
    boolean joinsNothing(int row) {
      return column.isNull(row);
    }
  }

  /** Any other value, numbered by first appearance; NULL is -1. */
  static final class InternedKey extends KeyReader {
    private final int[] wordsByRow;
    private final Map<Object, Integer> ids = new HashMap<>();

    InternedKey(Column column, int rowCount) {
      wordsByRow = new int[rowCount];
      for (int row = 0; row < rowCount; row++) {
        Object value = column.objectAt(row);
        wordsByRow[row] = value == null ? -1 : ids.computeIfAbsent(value, v -> ids.size());
      }
    }

    @Override
    long word(int row) {
      return wordsByRow[row];
    }

    @Override
    boolean isNull(int row) {
      return false;
    }

    @Override
    boolean joinsNothing(int row) {
      return wordsByRow[row] < 0;
    }
  }

  /** A probe-side object column looked up in the build side's interned ids. */
  static final class LookupKey extends KeyReader {
    private final Column column;
    private final Map<Object, Integer> ids;

    LookupKey(Column column, Map<Object, Integer> ids) {
      this.column = column;
      this.ids = ids;
    }

    @Override
    long word(int row) {
      Object value = column.objectAt(row);
      if (value == null) {
        return -1;
      }
      Integer id = ids.get(value);
      return id == null ? NO_MATCH : id;
    }

    @Override
    boolean isNull(int row) {
      return false;
    }

    @Override
    boolean joinsNothing(int row) {
      Object value = column.objectAt(row);
      return value == null || !ids.containsKey(value);
    }
  }
}
