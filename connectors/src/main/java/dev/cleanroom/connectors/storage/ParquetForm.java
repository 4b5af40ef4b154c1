package dev.cleanroom.connectors.storage;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.crypto.MasterKey;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Parquet form of the store's versions: {@code <root>/<datasetId>/v<version>/} holds the
 * version's encrypted Parquet files. A version directory is written under a hidden temporary name
 * and renamed into place whole, so a directory under its final name is complete; hidden names
 * ({@code .tmp-*}) are never read, by the store or by Spark, and are removed by the next write.
 */
final class ParquetForm {
  private static final Pattern VERSION_DIRECTORY = Pattern.compile("v([1-9][0-9]{0,18})");

  private final Path root;

  ParquetForm(Path root) {
    this.root = requireNonNull(root, "root is null");
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw VersionFiles.failure("cannot create the Parquet store directory", e);
    }
  }

  Path root() {
    return root;
  }

  Path versionDirectory(String datasetId, long version) {
    return root.resolve(datasetId).resolve("v" + version);
  }

  /** The version's directory if its Parquet form is complete. */
  Optional<Path> location(String datasetId, long version) {
    Path directory = versionDirectory(datasetId, version);
    return Files.isRegularFile(directory.resolve(ParquetVersionWriter.PART_FILE))
        ? Optional.of(directory)
        : Optional.empty();
  }

  /** Starts writing a version's Parquet form in a temporary directory. */
  Staged stage(String datasetId, long version, Schema schema, List<MasterKey> keys) {
    Path datasetDirectory = root.resolve(datasetId);
    Path temp =
        datasetDirectory.resolve(
            VersionFiles.TEMP_PREFIX + "v" + version + "-" + System.nanoTime());
    return new Staged(
        datasetDirectory,
        temp,
        versionDirectory(datasetId, version),
        ParquetVersionWriter.open(temp, schema, keys));
  }

  /**
   * Removes what a crashed writer left in a dataset's directory: temporary directories, and version
   * directories of versions the Arrow store does not have (written just before a crash stopped the
   * commit of their Arrow form). Called with the dataset's lock held.
   */
  void removeLeftovers(String datasetId, List<Long> committedVersions) throws IOException {
    Path datasetDirectory = root.resolve(datasetId);
    if (!Files.isDirectory(datasetDirectory)) {
      return;
    }
    try (Stream<Path> entries = Files.list(datasetDirectory)) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        Matcher version = VERSION_DIRECTORY.matcher(name);
        boolean orphan =
            version.matches() && !committedVersions.contains(Long.parseLong(version.group(1)));
        if (name.startsWith(VersionFiles.TEMP_PREFIX) || orphan) {
          deleteTree(entry);
        }
      }
    }
  }

  /** Removes a version's Parquet form: renamed to a hidden name first, so no half is left. */
  void remove(String datasetId, long version) throws IOException {
    Path directory = versionDirectory(datasetId, version);
    if (!Files.exists(directory)) {
      return;
    }
    Path removed =
        directory.resolveSibling(
            VersionFiles.TEMP_PREFIX + "removed-v" + version + "-" + System.nanoTime());
    Files.move(directory, removed, StandardCopyOption.ATOMIC_MOVE);
    VersionFiles.syncDirectory(directory.getParent());
    deleteTree(removed);
  }

  static void deleteTree(Path tree) throws IOException {
    try {
      Files.walkFileTree(
          tree,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException failure)
                throws IOException {
              if (failure != null) {
                throw failure;
              }
              Files.deleteIfExists(directory);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (NoSuchFileException e) {
      // already gone
    }
  }

  /**
   * One version's Parquet form being written. {@link #publish()} renames it into place (replacing
   * an older form of the same version, as a rotation does); closing an unpublished one deletes it,
   * and {@link #unpublish()} takes a published one back when the version's Arrow form failed to
   * commit after it.
   */
  static final class Staged implements AutoCloseable {
    private final Path datasetDirectory;
    private final Path temp;
    private final Path target;
    private final ParquetVersionWriter writer;
    private boolean published;
    private boolean closed;

    private Staged(Path datasetDirectory, Path temp, Path target, ParquetVersionWriter writer) {
      this.datasetDirectory = datasetDirectory;
      this.temp = temp;
      this.target = target;
      this.writer = writer;
    }

    void write(VectorSchemaRoot batch) throws IOException {
      writer.write(batch);
    }

    /** Finishes the files (fsynced) and renames the directory into place, durably. */
    void publish() throws IOException {
      writer.finish();
      if (Files.exists(target)) {
        Path replaced =
            target.resolveSibling(
                VersionFiles.TEMP_PREFIX
                    + "replaced-"
                    + target.getFileName()
                    + "-"
                    + System.nanoTime());
        Files.move(target, replaced, StandardCopyOption.ATOMIC_MOVE);
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        VersionFiles.syncDirectory(datasetDirectory);
        deleteTree(replaced);
      } else {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        VersionFiles.syncDirectory(datasetDirectory);
      }
      published = true;
    }

    /** Removes the published directory again. */
    void unpublish() throws IOException {
      if (published) {
        deleteTree(target);
        published = false;
      }
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      writer.close();
      if (!published) {
        try {
          deleteTree(temp);
        } catch (IOException e) {
          throw VersionFiles.failure("discarding an unfinished Parquet form", e);
        }
      }
    }
  }
}
