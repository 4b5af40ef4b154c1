package dev.cleanroom.benchmarks;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.analysis.AnalysisContext;
import dev.cleanroom.querypolicy.analysis.AnalysisResult;
import dev.cleanroom.querypolicy.analysis.QueryAnalyzer;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.noise.SecureNoiseSource;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.PolicyJson;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.querypolicy.rewrite.ContributionKey;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.tools.RelBuilder;

/**
 * The real private pipeline, as the server runs it: the analyst's SQL through the policy analyzer
 * and rewrite under the demo policies, then the noise layer with secure noise.
 */
final class PolicyPipeline implements PrivateQueryPipeline {
  private static final String ANALYST = "advertiser";

  private final QueryAnalyzer analyzer = new QueryAnalyzer();
  private final AnalysisContext context;
  private final NoiseSource noise = SecureNoiseSource.create();
  private final Map<RelNode, ReleaseSpec> specs = new IdentityHashMap<>();

  PolicyPipeline(SchemaPlus root) {
    byte[] key = new byte[16];
    new SecureRandom().nextBytes(key);
    this.context =
        new AnalysisContext(
            requireNonNull(root, "root is null"),
            Map.of(
                TableName.parse("retailer.customers"), demoPolicy("retailer.customers"),
                TableName.parse("advertiser.impressions"), demoPolicy("advertiser.impressions")),
            ANALYST,
            ContributionKey.of(key));
  }

  @Override
  public RelNode rewrite(String analystSql, RelBuilder builder) {
    AnalysisResult result = analyzer.analyze(analystSql, context);
    if (result instanceof AnalysisResult.Rejected rejected) {
      throw new IllegalArgumentException(
          "the benchmark query is rejected: " + rejected.violations());
    }
    PrivateQuery query = ((AnalysisResult.Accepted) result).query();
    specs.put(query.plan(), query.releaseSpec());
    return query.plan();
  }

  @Override
  public List<Object[]> release(RelNode privatePlan, List<Object[]> exactRows) {
    ReleaseSpec spec = specs.remove(privatePlan);
    if (spec == null) {
      throw new IllegalStateException("release of a plan this pipeline did not make");
    }
    return Releaser.release(spec, exactRows, noise).rows();
  }

  /** The demo policy of {@code table}, as the demo clean room approves it. */
  private static DatasetPolicy demoPolicy(String table) {
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
