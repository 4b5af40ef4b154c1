package dev.cleanroom.server.startup;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server ({@code quarkus-app/quarkus-run.jar}, as the README starts it) run as a
 * process of its own, for tests that kill and restart it. Its output goes to a file beside its
 * data.
 */
final class ServerProcess implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final Path output;
  private final int port;
  private final int managementPort;

  private ServerProcess(Process process, Path output, int port, int managementPort) {
    this.process = process;
    this.output = output;
    this.port = port;
    this.managementPort = managementPort;
  }

  /** Starts the server with {@code settings} as system properties, on a free port. */
  static ServerProcess start(Path dataDir, String name, String... settings) throws IOException {
    int port = freePort();
    int managementPort = freePort();
    Path output = dataDir.resolveSibling(dataDir.getFileName() + "-" + name + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
    command.add("-Dcleanroom.data-dir=" + dataDir);
    command.add("-Dquarkus.http.port=" + port);
    command.add("-Dquarkus.management.port=" + managementPort);
    for (String setting : settings) {
      command.add("-D" + setting);
    }
    command.add("-jar");
    command.add(packagedServer().toString());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    return new ServerProcess(process, output, port, managementPort);
  }

  static Path packagedServer() {
    Path jar =
        Path.of(System.getProperty("cleanroom.server.jar", "target/quarkus-app/quarkus-run.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: integration tests run after package");
    }
    return jar;
  }

  /** Waits until the server answers ready, failing with its output if it ends or takes too long. */
  void awaitReady(Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "the server ended with " + process.exitValue() + " before it was ready:\n" + output());
      }
      try {
        if (send(managementPort, "/q/health/ready", null).statusCode() == 200) {
          return;
        }
      } catch (IOException notYetListening) {
        // Starting: the port is not open yet.
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the server was not ready within " + timeout + ":\n" + output());
  }

  /** A GET on the members' port. */
  HttpResponse<String> get(String path, String apiKey) throws IOException, InterruptedException {
    return send(port, path, apiKey);
  }

  /** A POST of a JSON body on the members' port. */
  HttpResponse<String> post(String path, String apiKey, String json)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + apiKey)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> send(int port, String path, String apiKey)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30));
    if (apiKey != null) {
      request.header("Authorization", "Bearer " + apiKey);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Kills the process at once ({@code SIGKILL}), as a crash or {@code kill -9} would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** The exit code once the process has ended by itself within {@code timeout}. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the server did not end within " + timeout);
    }
    return process.exitValue();
  }

  String output() throws IOException {
    return Files.readString(output, StandardCharsets.UTF_8);
  }

  /** Stops the server as an operator would ({@code SIGTERM}), waiting for its shutdown. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
