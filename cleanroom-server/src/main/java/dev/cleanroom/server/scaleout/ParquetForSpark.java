package dev.cleanroom.server.scaleout;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * Turns {@code cleanroom.storage.parquet.enabled} on whenever a Spark engine is configured ({@code
 * cleanroom.spark.remote} or {@code cleanroom.spark.embedded=true}): any collaboration may then run
 * on Spark, which reads only the versions' Parquet form, so every version must have one.
 */
@Priority(Priorities.APPLICATION + 100)
public class ParquetForSpark implements ConfigSourceInterceptor {
  static final String PARQUET_ENABLED = "cleanroom.storage.parquet.enabled";
  static final String REMOTE = "cleanroom.spark.remote";
  static final String EMBEDDED = "cleanroom.spark.embedded";

  @Override
  public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
    ConfigValue value = context.proceed(name);
    if (!PARQUET_ENABLED.equals(name) || !sparkConfigured(context)) {
      return value;
    }
    if (value == null) {
      return ConfigValue.builder()
          .withName(name)
          .withValue("true")
          .withConfigSourceName(ParquetForSpark.class.getSimpleName())
          .build();
    }
    return value.withValue("true");
  }

  private static boolean sparkConfigured(ConfigSourceInterceptorContext context) {
    ConfigValue remote = context.proceed(REMOTE);
    ConfigValue embedded = context.proceed(EMBEDDED);
    return (remote != null && remote.getValue() != null && !remote.getValue().isBlank())
        || (embedded != null
            && "true".equalsIgnoreCase(String.valueOf(embedded.getValue()).strip()));
  }
}
