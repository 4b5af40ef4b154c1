package dev.cleanroom.client.budget;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cleanroom.client.session.ClientVersion;
import dev.cleanroom.client.session.Console;
import dev.cleanroom.client.session.ExitStatus;
import dev.cleanroom.client.session.JsonText;
import dev.cleanroom.client.session.ServerApi;
import dev.cleanroom.client.session.ServerOptions;
import dev.cleanroom.client.session.TextTable;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code budget}: the caller's epsilon spent and left per dataset it may query. */
@Command(
    name = "budget",
    mixinStandardHelpOptions = true,
    versionProvider = ClientVersion.class,
    header = "Show your privacy budget (epsilon) spent and left per dataset.",
    sortOptions = false,
    description = {
      "Shows your epsilon spent and left per dataset you may query"
          + " (GET /api/v1/collaborations/{c}/budget), next to what all analysts of the dataset"
          + " together have spent of its shared ceiling. Needs an analyst's key."
    })
public final class BudgetCommand implements Callable<Integer> {
  private final Console console;

  @Mixin private ServerOptions server;

  @Option(names = "--json", description = "print the server's JSON answer as it is")
  private boolean json;

  public BudgetCommand(Console console) {
    this.console = console;
  }

  @Override
  public Integer call() throws IOException {
    JsonNode budgets = server.connect(console).getJson("/budget");
    if (json) {
      console
          .out()
          .println(ServerApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(budgets));
      return ExitStatus.OK.code();
    }
    table(budgets).print(console.out());
    return ExitStatus.OK.code();
  }

  static TextTable table(JsonNode budgets) {
    TextTable table =
        new TextTable(
            List.of(
                "dataset",
                "spent",
                "left",
                "total",
                "per query",
                "all analysts spent",
                "shared total",
                "refresh",
                "period"),
            List.of(false, true, true, true, true, true, true, false, false));
    for (JsonNode dataset : budgets.path("datasets")) {
      JsonNode shared = dataset.path("allAnalysts");
      table.add(
          Arrays.asList(
              JsonText.of(dataset.get("dataset")),
              JsonText.of(dataset.get("spent")),
              JsonText.of(dataset.get("remaining")),
              JsonText.of(dataset.get("total")),
              JsonText.of(dataset.get("epsilonPerQuery")),
              JsonText.of(shared.get("spent")),
              JsonText.of(shared.get("total")),
              JsonText.of(dataset.get("refresh")),
              JsonText.of(dataset.get("period"))));
    }
    return table;
  }
}
