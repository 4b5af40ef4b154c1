package dev.cleanroom.engine.spark;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.connect.SparkSession;

/**
 * A Spark Connect server in its own JVM on the loopback interface ({@code local[2]}, UI off, UTC),
 * started from a directory of jars (spark-runtime's {@code target/spark-runtime/jars}); for tests
 * and the server's embedded mode. Its output goes to a log file under the directory the caller
 * gives, never to the caller's log. {@link #close()} stops it and every process it started.
 */
public final class LocalSparkConnect implements AutoCloseable {
  /** The class that registers the clean room's functions in every Spark session. */
  public static final String EXTENSIONS_CLASS =
      "dev.cleanroom.sparkruntime.CleanroomSparkExtensions";

  private static final String SERVER_CLASS =
      "org.apache.spark.sql.connect.service.SparkConnectServer";
  private static final String LOOPBACK = "127.0.0.1";
  private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** The JVM options Spark's launcher adds on Java 17 (Spark's JavaModuleOptions, 4.0). */
  private static final List<String> JAVA_MODULE_OPTIONS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-modules=jdk.incubator.vector",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "-Dio.netty.tryReflectionSetAccessible=true",
          "-Dio.netty.allocator.type=pooled",
          "-Dio.netty.handler.ssl.defaultEndpointVerificationAlgorithm=NONE",
          "-Dio.netty.noUnsafe=false",
          "--enable-native-access=ALL-UNNAMED");

  private final Process process;
  private final int port;
  private final Path logFile;
  private final Thread shutdownHook;

  private LocalSparkConnect(Process process, int port, Path logFile) {
    this.process = process;
    this.port = port;
    this.logFile = logFile;
    this.shutdownHook = new Thread(this::stopProcessTree, "local-spark-connect-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts a server and waits until it answers a client.
   *
   * @param jarsDirectory the Spark Connect server's class path, every jar in it
   * @param workDirectory where the log file and Spark's scratch space go (created if missing)
   * @param settings Spark settings added to (or replacing) the defaults, e.g. the Parquet KMS
   *     client's; {@code spark.driver.memory} sets the JVM's heap (default 1g)
   * @param startTimeout how long to wait for the server to answer
   */
  public static LocalSparkConnect start(
      Path jarsDirectory, Path workDirectory, Map<String, String> settings, Duration startTimeout)
      throws IOException {
    requireNonNull(jarsDirectory, "jarsDirectory is null");
    requireNonNull(workDirectory, "workDirectory is null");
    requireNonNull(settings, "settings is null");
    requireNonNull(startTimeout, "startTimeout is null");
    if (!Files.isDirectory(jarsDirectory)) {
      throw new IOException("the Spark jars directory does not exist: " + jarsDirectory);
    }
    Files.createDirectories(workDirectory);
    Path scratch = Files.createDirectories(workDirectory.resolve("spark-local"));
    int port = freeLoopbackPort();
    Path logFile = workDirectory.resolve("spark-connect-" + port + ".log");

    Map<String, String> sparkSettings = new LinkedHashMap<>();
    sparkSettings.put("spark.master", "local[2]");
    sparkSettings.put("spark.app.name", "cleanroom-spark-connect");
    sparkSettings.put("spark.connect.grpc.binding.address", LOOPBACK);
    sparkSettings.put("spark.connect.grpc.binding.port", Integer.toString(port));
    sparkSettings.put("spark.driver.host", LOOPBACK);
    sparkSettings.put("spark.driver.bindAddress", LOOPBACK);
    sparkSettings.put("spark.ui.enabled", "false");
    sparkSettings.put("spark.sql.session.timeZone", "UTC");
    sparkSettings.put("spark.sql.extensions", EXTENSIONS_CLASS);
    sparkSettings.put("spark.local.dir", scratch.toString());
    sparkSettings.putAll(settings);

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + sparkSettings.getOrDefault("spark.driver.memory", "1g"));
    command.addAll(JAVA_MODULE_OPTIONS);
    command.add("-Djava.io.tmpdir=" + scratch);
    sparkSettings.forEach((key, value) -> command.add("-D" + key + "=" + value));
    command.add("-cp");
    command.add(jarsDirectory.toAbsolutePath() + File.separator + "*");
    command.add(SERVER_CLASS);

    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .start();
    LocalSparkConnect server = new LocalSparkConnect(process, port, logFile);
    try {
      server.awaitAnswer(startTimeout);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The address a Spark Connect client connects to, {@code sc://127.0.0.1:<port>}. */
  public String remote() {
    return "sc://" + LOOPBACK + ":" + port;
  }

  public int port() {
    return port;
  }

  /** Where the server's output (Spark's log) goes. */
  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Stops the server and every process it started; waits until they are gone. */
  @Override
  public void close() {
    stopProcessTree();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or has run: the processes are being stopped already.
    }
  }

  private void stopProcessTree() {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.add(process.toHandle());
    tree.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (ProcessHandle handle : tree) {
      long left = deadline - System.nanoTime();
      try {
        handle.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (Exception notYet) {
        handle.destroyForcibly();
      }
    }
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // Killed forcibly above; the operating system reaps it.
      }
    }
  }

  /** Polls until the port accepts connections and a client gets the server's Spark version. */
  private void awaitAnswer(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new IOException(
            "the Spark Connect server exited with status "
                + process.exitValue()
                + " before answering; its log: "
                + logFile);
      }
      if (portAccepts() && answersClient()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "the Spark Connect server did not answer within "
                + timeout.toSeconds()
                + " s; its log: "
                + logFile);
      }
      try {
        Thread.sleep(POLL_INTERVAL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the Spark Connect server", e);
      }
    }
  }

  private boolean portAccepts() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), (int) POLL_INTERVAL.toMillis());
      return true;
    } catch (IOException notYet) {
      return false;
    }
  }

  private boolean answersClient() {
    try {
      SparkSession session = SparkSession.builder().remote(remote()).create();
      try {
        return !session.version().isEmpty();
      } finally {
        session.close();
      }
    } catch (RuntimeException notYet) {
      return false;
    }
  }

  private static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + LOOPBACK, e);
    }
  }
}
