package dev.cleanroom.benchmarks;

import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.querypolicy.analysis.AnalysisContext;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.PolicyJson;
import dev.cleanroom.querypolicy.rewrite.ContributionKey;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.Pipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import org.apache.calcite.schema.SchemaPlus;

/**
 * The real private pipeline, as the server runs it: the test kit's {@link Pipeline} under the demo
 * policies, for the demo's analyst, with a secret contribution key.
 */
final class PolicyPipeline {
  private static final String ANALYST = "advertiser";
  private static final String PURPOSE = "measurement";

  private PolicyPipeline() {}

  /** The pipeline over the demo tables of {@code root}, its queries within {@code limits}. */
  static Pipeline demo(SchemaPlus root, ExecutionLimits limits) {
    byte[] key = new byte[16];
    new SecureRandom().nextBytes(key);
    return new Pipeline(
        new AnalysisContext(
            root,
            Map.of(
                TableName.parse("retailer.customers"), demoPolicy("retailer.customers"),
                TableName.parse("advertiser.impressions"), demoPolicy("advertiser.impressions"),
                TableName.parse("retailer.purchases"), demoPolicy("retailer.purchases")),
            ANALYST,
            ContributionKey.of(key),
            // The demo's purchases record consent by purpose; the benchmark measures.
            PURPOSE),
        limits);
  }

  /** The demo policy of {@code table}, as the demo clean room approves it. */
  static DatasetPolicy demoPolicy(String table) {
    String resource = "/demo/policies/" + table + ".json";
    try (InputStream in = PolicyPipeline.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return PolicyJson.read(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
