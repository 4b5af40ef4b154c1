package dev.cleanroom.engine.vectorized;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.function.Function1;

/**
 * Calcite's compiled scalar code, kept across queries by expression and input row type, so that a
 * repeated query runs no code generation (Janino takes tens to hundreds of milliseconds per
 * expression). The least recently used entries go beyond {@code capacity}. Thread-safe; the
 * compiled functions are pure (they read the row they are given).
 */
final class CompiledExpressions {
  private final Map<String, Function1<DataContext, Object[]>> functions;
  private long compilations;

  CompiledExpressions(int capacity) {
    this.functions =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(
              Map.Entry<String, Function1<DataContext, Object[]>> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The function under {@code key} (the expression's digest and the input type), compiled once. */
  Function1<DataContext, Object[]> get(
      String key, Supplier<Function1<DataContext, Object[]>> compile) {
    synchronized (functions) {
      Function1<DataContext, Object[]> function = functions.get(key);
      if (function != null) {
        return function;
      }
    }
    Function1<DataContext, Object[]> compiled = compile.get();
    synchronized (functions) {
      compilations++;
      Function1<DataContext, Object[]> raced = functions.putIfAbsent(key, compiled);
      return raced != null ? raced : compiled;
    }
  }

  /** How many times code was generated (for tests). */
  long compilations() {
    synchronized (functions) {
      return compilations;
    }
  }
}
