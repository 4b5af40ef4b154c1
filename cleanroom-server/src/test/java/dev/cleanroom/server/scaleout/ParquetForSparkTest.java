package dev.cleanroom.server.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every version gets its Parquet form whenever a Spark engine is configured. */
class ParquetForSparkTest {

  @Test
  void sparkRemote_orEmbedded_turnsTheParquetFormOn_evenWhenSetOff() {
    assertEquals(
        Optional.of(true), parquetEnabled(Map.of(ParquetForSpark.REMOTE, "sc://spark:15002")));
    assertEquals(
        Optional.of(true),
        parquetEnabled(
            Map.of(ParquetForSpark.EMBEDDED, "true", ParquetForSpark.PARQUET_ENABLED, "false")));
  }

  @Test
  void noSpark_leavesTheSettingAsConfigured() {
    assertEquals(Optional.empty(), parquetEnabled(Map.of()));
    assertEquals(Optional.empty(), parquetEnabled(Map.of(ParquetForSpark.EMBEDDED, "false")));
    assertEquals(
        Optional.of(true), parquetEnabled(Map.of(ParquetForSpark.PARQUET_ENABLED, "true")));
    assertEquals(
        Optional.of(false),
        parquetEnabled(
            Map.of(ParquetForSpark.PARQUET_ENABLED, "false", ParquetForSpark.REMOTE, " ")));
  }

  private static Optional<Boolean> parquetEnabled(Map<String, String> properties) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withSources(new PropertiesConfigSource(properties, "test", 100))
            .withInterceptors(new ParquetForSpark())
            .build();
    return config.getOptionalValue(ParquetForSpark.PARQUET_ENABLED, Boolean.class);
  }
}
