package dev.cleanroom.engine.vectorized;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.QueryMemory;
import java.util.function.IntConsumer;

/** What the operators of one query share: its memory account, the caches and the threads. */
final class QueryContext {
  private final QueryMemory memory;
  private final TableEncodings encodings;
  private final Workers workers;
  private final int parallelism;

  QueryContext(QueryMemory memory, TableEncodings encodings, Workers workers, int parallelism) {
    this.memory = requireNonNull(memory, "memory is null");
    this.encodings = requireNonNull(encodings, "encodings is null");
    this.workers = requireNonNull(workers, "workers is null");
    this.parallelism = parallelism;
  }

  QueryMemory memory() {
    return memory;
  }

  TableEncodings encodings() {
    return encodings;
  }

  int parallelism() {
    return parallelism;
  }

  /** Runs {@code task} once per partition index in {@code [0, parallelism)}. */
  void parallel(IntConsumer task) {
    workers.run(parallelism, task);
  }

  /** Runs {@code body} for every item in {@code [0, count)}, items split across the threads. */
  void parallelFor(int count, IntConsumer body) {
    int parts = Math.max(1, Math.min(parallelism, count));
    workers.run(
        parts,
        part -> {
          int end = Workers.split(count, parts, part + 1);
          for (int i = Workers.split(count, parts, part); i < end; i++) {
            body.accept(i);
          }
        });
  }

  /**
   * How many ranges {@link #parallelRanges} splits {@code rowCount} rows into: one for small
   * inputs, which are not worth a thread hand-off, else one per thread.
   */
  int partsOf(int rowCount) {
    return rowCount < 16_384 ? 1 : parallelism;
  }

  /** Runs {@code body} on contiguous row ranges {@code [from, to)} covering {@code rowCount}. */
  void parallelRanges(int rowCount, RangeTask body) {
    parallelRanges(rowCount, partsOf(rowCount), body);
  }

  /**
   * Runs {@code body} on {@code parts} contiguous ranges covering {@code count} items, some maybe
   * empty: for work over items whose number one person can change (partitions, groups), split as
   * its input's rows are, so that such a person does not decide whether a second thread helps.
   */
  void parallelRanges(int count, int parts, RangeTask body) {
    workers.run(
        parts,
        part ->
            body.run(
                part, Workers.split(count, parts, part), Workers.split(count, parts, part + 1)));
  }

  /** A piece of work over the rows {@code [from, to)}. */
  @FunctionalInterface
  interface RangeTask {
    void run(int part, int from, int to);
  }
}
