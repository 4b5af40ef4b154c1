package dev.cleanroom.server.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A real PostgreSQL 16 run by the server (or the tests) itself, listening on localhost only.
 *
 * <p>A kept data directory belongs to one server at a time: the server holds an operating-system
 * lock on {@code <data directory>.lock} for as long as it runs, and the system drops that lock when
 * the process ends, however it ends. A server killed with {@code kill -9} leaves its PostgreSQL
 * running (PostgreSQL runs as its own process), holding the data directory; the next server to get
 * the lock knows that PostgreSQL has no live owner and stops it (see {@link StalePostmaster})
 * before starting its own. A second server on the same directory while the first runs is refused.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private final EmbeddedPostgres postgres;
  private final DirectoryLock lock;

  private EmbeddedDatabase(EmbeddedPostgres postgres, DirectoryLock lock) {
    this.postgres = postgres;
    this.lock = lock;
  }

  /**
   * Starts PostgreSQL on a free port; {@code dataDirectory} keeps its files across restarts, or is
   * {@code null} for a throw-away database.
   *
   * @throws DatabaseDirectoryException if another live server holds {@code dataDirectory}, or a
   *     PostgreSQL a dead server left there does not stop
   */
  public static EmbeddedDatabase start(Path dataDirectory) {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    DirectoryLock lock = null;
    try {
      if (dataDirectory != null) {
        Files.createDirectories(dataDirectory);
        Path directory = dataDirectory.toRealPath();
        lock = DirectoryLock.acquire(directory);
        StalePostmaster.clear(directory);
        builder.setDataDirectory(directory).setCleanDataDirectory(false);
      }
      return new EmbeddedDatabase(builder.start(), lock);
    } catch (IOException | RuntimeException e) {
      if (lock != null) {
        lock.close();
      }
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot start the embedded PostgreSQL", io);
      }
      throw (RuntimeException) e;
    }
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  /** The datasource settings Quarkus needs to reach this database. */
  public Map<String, String> datasourceProperties() {
    return Map.of(
        "quarkus.datasource.jdbc.url",
        jdbcUrl(),
        "quarkus.datasource.username",
        "postgres",
        "quarkus.datasource.password",
        "postgres");
  }

  public void configureSystemProperties() {
    datasourceProperties().forEach(System::setProperty);
    // Tells the production check that this database was started here, not configured.
    System.setProperty(EMBEDDED_PROPERTY, "true");
  }

  /** Set to {@code true} when the server runs on a database it started itself. */
  public static final String EMBEDDED_PROPERTY = "cleanroom.database.embedded";

  @Override
  public void close() throws IOException {
    try {
      postgres.close();
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
  }

  /** An exclusive lock on {@code <directory>.lock}, held until closed or the process ends. */
  private static final class DirectoryLock implements AutoCloseable {
    private final FileChannel channel;

    private DirectoryLock(FileChannel channel) {
      this.channel = channel;
    }

    static DirectoryLock acquire(Path directory) throws IOException {
      Path lockFile = directory.resolveSibling(directory.getFileName() + ".lock");
      FileChannel channel =
          FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        // Held by this very process (tests only start two databases on one directory so).
        lock = null;
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      if (lock == null) {
        channel.close();
        throw new DatabaseDirectoryException(
            "the embedded database directory "
                + directory
                + " is in use by another running server; stop it first, or give this one its own"
                + " cleanroom.data-dir");
      }
      return new DirectoryLock(channel);
    }

    @Override
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot release the database directory lock", e);
      }
    }
  }
}
