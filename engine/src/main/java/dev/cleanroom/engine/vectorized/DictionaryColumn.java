package dev.cleanroom.engine.vectorized;

import static java.util.Objects.requireNonNull;

/** Strings as codes into a dictionary of distinct values; code -1 is NULL. */
record DictionaryColumn(int[] codes, StringDictionary dictionary) implements Column {
  DictionaryColumn {
    requireNonNull(codes, "codes is null");
    requireNonNull(dictionary, "dictionary is null");
  }

  @Override
  public boolean isNull(int row) {
    return codes[row] < 0;
  }

  @Override
  public long longAt(int row) {
    throw new IllegalStateException("a string column has no long values");
  }

  @Override
  public double doubleAt(int row) {
    throw new IllegalStateException("a string column has no double values");
  }

  @Override
  public Object objectAt(int row) {
    int code = codes[row];
    return code < 0 ? null : dictionary.value(code);
  }
}
