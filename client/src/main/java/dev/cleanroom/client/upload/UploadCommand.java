package dev.cleanroom.client.upload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cleanroom.client.session.ClientException;
import dev.cleanroom.client.session.ClientVersion;
import dev.cleanroom.client.session.Console;
import dev.cleanroom.client.session.ExitStatus;
import dev.cleanroom.client.session.ServerApi;
import dev.cleanroom.client.session.ServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code upload}: sends a file as a new version of one of the caller's datasets, streamed from
 * disk, and prints the version the server created.
 */
@Command(
    name = "upload",
    mixinStandardHelpOptions = true,
    versionProvider = ClientVersion.class,
    header = "Upload a CSV, Parquet or Arrow file as a new version of your dataset.",
    sortOptions = false,
    description = {
      "Uploads a CSV, Parquet or Arrow IPC file as a new version of your dataset"
          + " (PUT /api/v1/collaborations/{c}/datasets/{d}/data). The file is streamed, never"
          + " read into memory; the server validates it against the declaration, all or"
          + " nothing.",
      "Prints the table and its new version on stdout; progress on stderr."
    })
public final class UploadCommand implements Callable<Integer> {
  private final Console console;

  @Mixin private ServerOptions server;

  @Option(
      names = {"-d", "--dataset"},
      required = true,
      paramLabel = "NAME",
      description = "your dataset's name, e.g. customers")
  private String dataset;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      description =
          "csv, parquet, arrow_file or arrow_stream (default: from the extension: .csv,"
              + " .parquet, .arrow, .arrows)")
  private UploadFormat format;

  @Parameters(index = "0", paramLabel = "FILE", description = "the file to upload")
  private Path file;

  public UploadCommand(Console console) {
    this.console = console;
  }

  @Override
  public Integer call() {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw ClientException.usage("'" + file + "' is not a readable file");
    }
    UploadFormat chosen = format != null ? format : UploadFormat.of(file);
    ServerApi api = server.connect(console);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new ClientException(ExitStatus.FAILURE, "cannot read '" + file + "'", e);
    }
    Progress progress = new Progress(console.err(), size, console.interactive());
    HttpRequest.BodyPublisher body =
        HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(
                () -> {
                  try {
                    return new CountingInputStream(Files.newInputStream(file), progress);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }),
            size);
    String path =
        "/datasets/"
            + URLEncoder.encode(dataset, StandardCharsets.UTF_8).replace("+", "%20")
            + "/data";
    JsonNode version =
        ServerApi.json(
            api.send(
                api.request(path)
                    .header("Content-Type", chosen.contentType())
                    .header("Accept", "application/json")
                    .PUT(body)
                    .build()));
    progress.finish();
    console
        .out()
        .println(version.path("table").asText() + " version " + version.path("version").asText());
    return ExitStatus.OK.code();
  }
}
