package dev.cleanroom.server.template;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cleanroom.server.api.Names;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.server.query.Answer;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The bodies and answers of the template endpoints. */
public final class TemplateRequests {
  private TemplateRequests() {}

  /** The largest epsilon per run a template may ask for. */
  static final BigDecimal MAX_EPSILON_PER_RUN = BigDecimal.TEN;

  /** The largest budget line a template may ask for. */
  static final BigDecimal MAX_BUDGET = BigDecimal.valueOf(1000);

  /**
   * A template to propose (a new version when the name exists).
   *
   * @param epsilonPerRun the epsilon each run spends, in place of the policies' epsilon per query;
   *     null: the policies'
   * @param budget the template's own budget line: the epsilon all its runs, by every analyst and of
   *     every version, may spend together, charged beside the datasets' budgets; null: none
   * @param resultReceivers the members who receive each run's answer; default: whoever runs it
   */
  @Schema(
      description = "A parameterised query template to propose",
      example =
          "{\"name\": \"reach_since\", \"description\": \"Reach of a campaign since a date\","
              + " \"sql\": \"SELECT COUNT(DISTINCT c.customer_id) AS reach FROM"
              + " advertiser.impressions i JOIN retailer.customers c ON i.email_hash ="
              + " c.email_hash WHERE i.campaign_id = :campaign AND i.ts >= :since\","
              + " \"parameters\": [{\"name\": \"campaign\", \"type\": \"STRING\"}, {\"name\":"
              + " \"since\", \"type\": \"DATE\"}], \"purpose\": \"measurement\","
              + " \"epsilonPerRun\": 0.25, \"budget\": 5, \"resultReceivers\": [\"advertiser\"]}")
  public record NewTemplate(
      String name,
      String description,
      String sql,
      List<TemplateParameter> parameters,
      String purpose,
      BigDecimal epsilonPerRun,
      BigDecimal budget,
      List<String> resultReceivers) {
    public NewTemplate {
      Names.require("name", name);
      if (sql == null || sql.isBlank()) {
        throw ServerException.malformed("'sql' is required");
      }
      description = description == null ? "" : description;
      parameters = parameters == null ? List.of() : List.copyOf(parameters);
      Set<String> names = new HashSet<>();
      for (TemplateParameter parameter : parameters) {
        if (parameter == null) {
          throw ServerException.malformed("'parameters' lists a null parameter");
        }
        if (!names.add(parameter.name())) {
          throw ServerException.malformed("parameter '" + parameter.name() + "' is declared twice");
        }
      }
      if (epsilonPerRun != null
          && (epsilonPerRun.signum() <= 0 || epsilonPerRun.compareTo(MAX_EPSILON_PER_RUN) > 0)) {
        throw new ServerException(
            ServerErrorCode.INVALID_INPUT,
            "'epsilonPerRun' must be above 0 and at most " + MAX_EPSILON_PER_RUN);
      }
      if (budget != null && (budget.signum() <= 0 || budget.compareTo(MAX_BUDGET) > 0)) {
        throw new ServerException(
            ServerErrorCode.INVALID_INPUT, "'budget' must be above 0 and at most " + MAX_BUDGET);
      }
      resultReceivers = resultReceivers == null ? List.of() : List.copyOf(resultReceivers);
    }
  }

  /** {@code {parameters: {name: value}}}: a run's values, JSON literals of the declared types. */
  @Schema(
      description = "The values of a run, by parameter name",
      example = "{\"parameters\": {\"campaign\": \"c1\", \"since\": \"2026-02-01\"}}")
  public record RunRequest(Map<String, JsonNode> parameters) {
    public RunRequest {
      parameters = parameters == null ? Map.of() : new LinkedHashMap<>(parameters);
    }
  }

  /** One version of a template as members see it. */
  public record TemplateView(
      String name,
      int version,
      String status,
      String description,
      String sql,
      List<TemplateParameter> parameters,
      String purpose,
      BigDecimal epsilonPerRun,
      BigDecimal budget,
      List<String> resultReceivers,
      List<String> datasets,
      List<Approval> approvals,
      String author,
      Instant createdAt) {}

  /** A privacy officer's approval of a template version for one dataset it reads. */
  public record Approval(String dataset, String approver, Instant approvedAt) {}

  /**
   * A run: its id, the version that ran, who receives the answer, the epsilon it spent, and the
   * answer itself when the caller is one of the receivers (else null).
   */
  public record RunResult(
      String runId,
      String template,
      int version,
      List<String> resultReceivers,
      BigDecimal epsilonSpent,
      Answer answer) {}
}
