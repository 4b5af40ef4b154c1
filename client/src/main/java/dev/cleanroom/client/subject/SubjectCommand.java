package dev.cleanroom.client.subject;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cleanroom.client.session.ClientException;
import dev.cleanroom.client.session.ClientVersion;
import dev.cleanroom.client.session.Console;
import dev.cleanroom.client.session.ExitStatus;
import dev.cleanroom.client.session.JsonText;
import dev.cleanroom.client.session.ServerApi;
import dev.cleanroom.client.session.ServerOptions;
import dev.cleanroom.client.session.TextTable;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code subject}: a provider tells one person how their data was used in a collaboration: the
 * versions of its datasets that held them, the questions that read those versions, the receipts of
 * their erasures; optionally the page to hand to them.
 */
@Command(
    name = "subject",
    mixinStandardHelpOptions = true,
    versionProvider = ClientVersion.class,
    header = "Tell a person how their data was used (provider).",
    sortOptions = false,
    description = {
      "Looks one person up in your datasets (POST /api/v1/collaborations/{c}/subject-lookups):"
          + " per dataset, whether it holds them now, the versions that held them, how many"
          + " questions read those versions, and the receipts of their erasures. The identifier"
          + " (the value of the privacy unit column that is theirs) is read from --identifier-file"
          + " or stdin, never from an argument, which other users can see in the process list."
          + " With --html the page for the person is saved too."
    })
public final class SubjectCommand implements Callable<Integer> {
  private final Console console;

  @Mixin private ServerOptions server;

  @Option(
      names = "--identifier-file",
      paramLabel = "FILE",
      description = "read the identifier from this file's first line (default: stdin)")
  private Path identifierFile;

  @Option(names = "--html", paramLabel = "FILE", description = "save the page for the person")
  private Path html;

  @Option(names = "--json", description = "print the server's JSON answer as it is")
  private boolean json;

  public SubjectCommand(Console console) {
    this.console = console;
  }

  @Override
  public Integer call() throws IOException {
    String identifier = identifier();
    Path temp = null;
    if (html != null) {
      // Prepared first, so that an unwritable place is found before anything is asked.
      try {
        temp =
            Files.createTempFile(html.toAbsolutePath().getParent(), ".cleanroom-subject-", ".tmp");
      } catch (IOException e) {
        throw ClientException.usage("cannot write a file next to '" + html + "'");
      }
    }
    try {
      ServerApi api = server.connect(console);
      Map<String, String> body = Map.of("identifier", identifier);
      JsonNode report = api.postJson("/subject-lookups", body);
      if (json) {
        console
            .out()
            .println(ServerApi.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
      } else {
        table(report).print(console.out());
        for (JsonNode skipped : report.path("notSearched")) {
          console
              .out()
              .println(
                  "not searched: "
                      + JsonText.of(skipped.get("table"))
                      + ": "
                      + JsonText.of(skipped.get("reason")));
        }
      }
      if (temp != null) {
        HttpResponse<InputStream> page =
            api.send(
                api.request("/subject-lookups")
                    .header("Content-Type", "application/json")
                    .header("Accept", "text/html")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(ServerApi.bytes(body)))
                    .build());
        try (InputStream in = page.body()) {
          Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
        }
        long size = Files.size(temp);
        Files.move(
            temp,
            html.toAbsolutePath(),
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        console.err().println("wrote the page (" + size + " bytes) to " + html);
      }
      return ExitStatus.OK.code();
    } finally {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    }
  }

  private String identifier() {
    String text;
    try {
      text =
          identifierFile != null
              ? Files.readString(identifierFile, StandardCharsets.UTF_8)
              : new String(console.in().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ClientException.usage(
          "cannot read the identifier from "
              + (identifierFile != null ? "'" + identifierFile + "'" : "stdin"));
    }
    String first = text.lines().findFirst().orElse("").strip();
    if (first.isEmpty()) {
      throw ClientException.usage("the identifier is empty");
    }
    return first;
  }

  static TextTable table(JsonNode report) {
    TextTable table =
        new TextTable(
            List.of("dataset", "holds now", "versions that held", "questions", "erasures"),
            List.of(false, false, false, true, false));
    for (JsonNode dataset : report.path("datasets")) {
      List<String> held = new ArrayList<>();
      for (JsonNode version : dataset.path("versions")) {
        if (version.path("held").asBoolean(false)) {
          held.add(version.path("version").asText());
        }
      }
      List<String> receipts = new ArrayList<>();
      for (JsonNode erasure : dataset.path("erasures")) {
        receipts.add(erasure.path("receipt").asText());
      }
      table.add(
          Arrays.asList(
              JsonText.of(dataset.get("table")),
              dataset.path("heldNow").asBoolean() ? "yes" : "no",
              held.isEmpty() ? "none" : String.join(", ", held),
              Integer.toString(dataset.path("queries").size()),
              receipts.isEmpty() ? "none" : String.join(", ", receipts)));
    }
    return table;
  }
}
