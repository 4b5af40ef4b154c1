package dev.cleanroom.connectors.storage;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * File names and durable-write steps of the store. Only names matching {@link #DATA_FILE} are
 * versions; temporary files start with {@code .tmp-} and are never read.
 */
final class VersionFiles {
  static final Pattern DATA_FILE = Pattern.compile("v(\\d{10})\\.arrows\\.enc");
  static final String TEMP_PREFIX = ".tmp-";

  private VersionFiles() {}

  static String dataFileName(long version) {
    return String.format(Locale.ROOT, "v%010d.arrows.enc", version);
  }

  /** What an engine derived from a version and kept with it (see DatasetStore#saveEncodings). */
  static String encodingsFileName(long version) {
    return String.format(Locale.ROOT, "v%010d.encodings.enc", version);
  }

  static String keyFileName(long version) {
    return String.format(Locale.ROOT, "v%010d.key", version);
  }

  static long versionOf(String fileName) {
    Matcher matcher = DATA_FILE.matcher(fileName);
    return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
  }

  /** The authenticated context of a version: a file or key moved elsewhere fails to decrypt. */
  static String context(String datasetId, long version) {
    return "dataset=" + datasetId + ";version=" + version;
  }

  /** The authenticated context of a version's encodings: neither file passes for the other. */
  static String encodingsContext(String datasetId, long version) {
    return context(datasetId, version) + ";part=encodings";
  }

  /** Writes a small file atomically: temp file, fsync, rename over the target, fsync directory. */
  static void writeAtomically(Path target, String content) throws IOException {
    Path temp = target.resolveSibling(TEMP_PREFIX + target.getFileName() + "-" + System.nanoTime());
    try {
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        channel.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      syncDirectory(target.getParent());
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Makes a rename durable: on Linux a directory is fsynced by opening it for reading. */
  static void syncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  /** Lets a stream be closed (flushed) while the channel under it stays open for fsync. */
  static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      out.write(bytes, offset, length);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }

  static ConnectorException failure(String what, IOException cause) {
    return new ConnectorException(ConnectorErrorCode.STORAGE_FAILURE, what, cause);
  }
}
