package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.QueryMemory;

/** A growable int array whose growth is charged to the query's memory. */
final class IntList {
  private final QueryMemory memory;
  private int[] values;
  private int size;

  IntList(int initialCapacity, QueryMemory memory) {
    this.memory = memory;
    this.values = memory.ints(Math.max(16, initialCapacity));
  }

  void add(int value) {
    if (size == values.length) {
      if (values.length >= Integer.MAX_VALUE / 2 - 16) {
        throw new ExecutionException(
            ExecutionErrorCode.ROW_LIMIT_EXCEEDED, "an intermediate result has too many rows");
      }
      int[] grown = memory.ints(values.length * 2);
      System.arraycopy(values, 0, grown, 0, size);
      values = grown;
    }
    values[size++] = value;
  }

  /**
   * Sets the size after a caller wrote {@code size} values into {@link #values()} itself, within
   * the capacity it was created with.
   */
  void filled(int size) {
    if (size < 0 || size > values.length) {
      throw new IllegalArgumentException("filled beyond the list's capacity");
    }
    this.size = size;
  }

  int size() {
    return size;
  }

  int[] values() {
    return values;
  }
}
