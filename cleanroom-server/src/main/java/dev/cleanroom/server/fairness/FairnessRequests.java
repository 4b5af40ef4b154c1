package dev.cleanroom.server.fairness;

import dev.cleanroom.server.api.Names;
import dev.cleanroom.server.problem.ServerException;
import java.math.BigDecimal;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body and the answer of {@code POST .../fairness-reports}. */
public final class FairnessRequests {
  private FairnessRequests() {}

  /**
   * A reach question and the sensitive segment to split it by.
   *
   * @param reach one {@code COUNT(DISTINCT unit)} with its joins and filters, no grouping
   * @param segment a column that a table the question reads declares in {@code sensitiveSegments}
   * @param purpose the purpose the report is asked for (as a query's)
   */
  @Schema(
      description = "A reach question and the sensitive segment to split it by",
      example =
          "{\"reach\": \"SELECT COUNT(DISTINCT c.customer_id) AS reach FROM"
              + " advertiser.impressions i JOIN retailer.customers c ON i.email_hash ="
              + " c.email_hash WHERE i.campaign_id = 'c1'\", \"segment\": \"age_band\","
              + " \"purpose\": \"measurement\"}")
  public record FairnessRequest(String reach, String segment, String purpose) {
    public FairnessRequest {
      if (reach == null || reach.isBlank()) {
        throw ServerException.malformed("'reach' is required");
      }
      Names.require("segment", segment);
    }
  }

  /** A 95% interval. */
  public record Interval(double low, double high) {}

  /**
   * One segment's released values and what they imply.
   *
   * @param reach the noised number of people of the segment the question reached
   * @param population the noised number of people of the segment
   * @param rate reach / population
   * @param disparity rate / the overall rate
   * @param significant whether the disparity's interval excludes 1: the difference is larger than
   *     the noise can explain (at the intervals' 95% each, combined conservatively)
   * @param belowFourFifths whether the disparity is below 0.8 (the four-fifths rule of thumb)
   */
  public record SegmentRow(
      String value,
      long reach,
      Interval reachInterval,
      long population,
      Interval populationInterval,
      double rate,
      Interval rateInterval,
      double disparity,
      Interval disparityInterval,
      boolean significant,
      boolean belowFourFifths) {}

  /**
   * The report.
   *
   * @param segment the sensitive column, {@code owner.dataset.column}
   * @param overallRate the sum of the shown segments' reach over the sum of their population
   * @param segments the segments both parts released (the others are withheld: too few people)
   * @param withheld how many segments one part released and the other did not
   * @param parts the query ids of the two parts (reach by segment, population by segment)
   * @param method how the intervals combine
   */
  public record FairnessReport(
      String segment,
      String purpose,
      BigDecimal epsilonSpent,
      double overallRate,
      Interval overallRateInterval,
      List<SegmentRow> segments,
      int withheld,
      List<String> parts,
      String method) {}
}
