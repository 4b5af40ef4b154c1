package dev.cleanroom.server.api;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.server.problem.Problem;
import dev.cleanroom.server.problem.ServerErrorCode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Gives the generated OpenAPI document the error answers every operation shares: the {@code
 * Problem} schema (RFC 9457, with every {@code code} the server answers with), a problem+json body
 * on every 4xx and 5xx response the resources declare, and the 401 and 500 every authenticated
 * operation can answer. Registered as {@code mp.openapi.filter}; runs when the document is built.
 */
public class ProblemResponses implements OASFilter {
  static final String PROBLEM = "Problem";
  private static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;

  @Override
  public void filterOpenAPI(OpenAPI openApi) {
    if (openApi.getComponents() == null) {
      openApi.setComponents(OASFactory.createComponents());
    }
    openApi.getComponents().addSchema(PROBLEM, problemSchema());
    if (openApi.getPaths() == null || openApi.getPaths().getPathItems() == null) {
      return;
    }
    openApi
        .getPaths()
        .getPathItems()
        .values()
        .forEach(item -> item.getOperations().values().forEach(ProblemResponses::completeErrors));
  }

  private static void completeErrors(Operation operation) {
    if (operation.getResponses() == null) {
      operation.setResponses(OASFactory.createAPIResponses());
    }
    if (operation.getResponses().getAPIResponse("401") == null) {
      operation
          .getResponses()
          .addAPIResponse(
              "401",
              OASFactory.createAPIResponse()
                  .description("The API key is missing, unknown, expired or revoked"));
    }
    if (operation.getResponses().getAPIResponse("500") == null) {
      operation
          .getResponses()
          .addAPIResponse(
              "500",
              OASFactory.createAPIResponse()
                  .description("The server failed; the problem names no data"));
    }
    for (Map.Entry<String, APIResponse> response :
        operation.getResponses().getAPIResponses().entrySet()) {
      if (isError(response.getKey())) {
        response.getValue().setContent(problemContent());
      }
    }
  }

  private static boolean isError(String status) {
    return status.length() == 3 && (status.charAt(0) == '4' || status.charAt(0) == '5');
  }

  private static Content problemContent() {
    return OASFactory.createContent()
        .addMediaType(
            Problem.MEDIA_TYPE,
            OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)));
  }

  /** Every code a problem document can carry, from the server, the policy and the connectors. */
  static List<Object> codes() {
    return List.copyOf(
        Stream.of(ServerErrorCode.values(), PolicyErrorCode.values(), ConnectorErrorCode.values())
            .flatMap(Arrays::stream)
            .map(Enum::name)
            .collect(Collectors.toCollection(TreeSet::new)));
  }

  private static Schema problemSchema() {
    Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
    Schema integer = OASFactory.createSchema().addType(Schema.SchemaType.INTEGER);
    Schema violation =
        OASFactory.createSchema()
            .addType(Schema.SchemaType.OBJECT)
            .description("One broken policy rule")
            .addProperty("code", string)
            .addProperty("path", string)
            .addProperty("column", string)
            .addProperty("line", integer)
            .addProperty("column_number", integer)
            .addProperty("message", string);
    return OASFactory.createSchema()
        .addType(Schema.SchemaType.OBJECT)
        .description(
            "An RFC 9457 problem document, the body of every error answer. It never carries a cell"
                + " value, a key or a secret.")
        .addRequired("type")
        .addRequired("title")
        .addRequired("status")
        .addProperty(
            "type",
            OASFactory.createSchema()
                .addType(Schema.SchemaType.STRING)
                .format("uri")
                .description(
                    Problem.TYPE_BASE + "<slug>: one per kind of problem, e.g. policy-violation"))
        .addProperty("title", string)
        .addProperty("status", integer)
        .addProperty(
            "detail",
            OASFactory.createSchema()
                .addType(Schema.SchemaType.STRING)
                .description("What is wrong and where (line and column for SQL)"))
        .addProperty(
            "code",
            OASFactory.createSchema()
                .addType(Schema.SchemaType.STRING)
                .enumeration(codes())
                .description("The machine-readable kind of problem"))
        .addProperty(
            "violations",
            OASFactory.createSchema()
                .addType(Schema.SchemaType.ARRAY)
                .items(violation)
                .description("For a policy violation: every rule the query broke"));
  }
}
