package dev.cleanroom.engine;

/**
 * Resource limits of one query.
 *
 * @param maxMemoryBytes the most bytes of intermediate arrays the query may allocate in total
 * @param parallelism how many threads work on the query (at least 1)
 */
public record ExecutionLimits(long maxMemoryBytes, int parallelism) {
  public static final long DEFAULT_MAX_MEMORY_BYTES = 4L << 30;

  public ExecutionLimits {
    if (maxMemoryBytes <= 0) {
      throw new IllegalArgumentException("maxMemoryBytes must be > 0, was " + maxMemoryBytes);
    }
    if (parallelism < 1 || parallelism > 64) {
      throw new IllegalArgumentException("parallelism must be in [1, 64], was " + parallelism);
    }
  }

  /** 4 GiB and one thread per available processor. */
  public static ExecutionLimits defaults() {
    return new ExecutionLimits(
        DEFAULT_MAX_MEMORY_BYTES, Math.min(64, Runtime.getRuntime().availableProcessors()));
  }
}
