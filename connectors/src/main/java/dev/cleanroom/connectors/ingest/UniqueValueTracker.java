package dev.cleanroom.connectors.ingest;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Finds a repeated value of one unique column in bounded memory: keys are collected in sorted runs
 * of at most {@code runSize} entries in primitive arrays, spilled to temporary files, and merged
 * (an external sort; at most {@link #MAX_RUNS} runs are kept open, more are merged into one first).
 * Integers are their own key; text is keyed by 128 bits of SHA-256, whose collisions are
 * negligible. Reports the later row of a repeated pair.
 */
final class UniqueValueTracker implements AutoCloseable {
  static final int DEFAULT_RUN_SIZE = 1 << 16;
  static final int MAX_RUNS = 64;

  // Each entry is three longs: high key, low key, row.
  private static final int WIDTH = 3;

  private final String column;
  private final int runSize;
  private long[] entries;
  private long[] scratch;
  // tiers.get(k) holds runs that each merged MAX_RUNS^k spilled buffers.
  private final List<List<Path>> tiers = new ArrayList<>();
  private final MessageDigest sha256;
  private int buffered;

  UniqueValueTracker(String column, int runSize) {
    this.column = column;
    this.runSize = runSize;
    this.entries = new long[WIDTH * runSize];
    this.scratch = new long[WIDTH * runSize];
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  void addInteger(long value, long row) {
    add(0, value, row);
  }

  void addText(String value, long row) {
    byte[] digest = sha256.digest(value.getBytes(StandardCharsets.UTF_8));
    long high = 0;
    long low = 0;
    for (int i = 0; i < 8; i++) {
      high = (high << 8) | (digest[i] & 0xff);
      low = (low << 8) | (digest[8 + i] & 0xff);
    }
    // Text keys never meet integer keys (high = 0): their top bit is set.
    add(high | Long.MIN_VALUE, low, row);
  }

  /** Checks the values not yet compared; call once after the last row. */
  void finish() {
    sortAndCheckBuffer();
    if (tiers.isEmpty()) {
      return;
    }
    spill();
    List<Path> all = new ArrayList<>();
    tiers.forEach(all::addAll);
    merge(all, null);
  }

  @Override
  public void close() {
    tiers.forEach(UniqueValueTracker::delete);
    tiers.clear();
  }

  private static void delete(List<Path> runs) {
    for (Path run : runs) {
      try {
        Files.deleteIfExists(run);
      } catch (IOException e) {
        // A leftover temporary file holds only keys; the upload's outcome stands.
      }
    }
  }

  private void add(long high, long low, long row) {
    if (buffered == runSize) {
      sortAndCheckBuffer();
      spill();
    }
    int at = WIDTH * buffered++;
    entries[at] = high;
    entries[at + 1] = low;
    entries[at + 2] = row;
  }

  private void sortAndCheckBuffer() {
    sort();
    for (int i = 1; i < buffered; i++) {
      int previous = WIDTH * (i - 1);
      int current = WIDTH * i;
      checkDistinct(
          entries[previous],
          entries[previous + 1],
          entries[previous + 2],
          entries[current],
          entries[current + 1],
          entries[current + 2]);
    }
  }

  /** Bottom-up merge sort of the buffered triples by (high, low). */
  private void sort() {
    for (int width = 1; width < buffered; width *= 2) {
      for (int start = 0; start < buffered; start += 2 * width) {
        int middle = Math.min(start + width, buffered);
        int end = Math.min(start + 2 * width, buffered);
        int left = start;
        int right = middle;
        for (int out = start; out < end; out++) {
          boolean takeLeft =
              right >= end || (left < middle && compare(entries, left, entries, right) <= 0);
          int from = WIDTH * (takeLeft ? left++ : right++);
          int to = WIDTH * out;
          scratch[to] = entries[from];
          scratch[to + 1] = entries[from + 1];
          scratch[to + 2] = entries[from + 2];
        }
      }
      long[] swap = entries;
      entries = scratch;
      scratch = swap;
    }
  }

  private static int compare(long[] a, int i, long[] b, int j) {
    int byHigh = Long.compare(a[WIDTH * i], b[WIDTH * j]);
    return byHigh != 0 ? byHigh : Long.compare(a[WIDTH * i + 1], b[WIDTH * j + 1]);
  }

  private void spill() {
    Path run = createTempRun();
    try (DataOutputStream out = openRun(run)) {
      for (int i = 0; i < WIDTH * buffered; i++) {
        out.writeLong(entries[i]);
      }
    } catch (IOException e) {
      delete(List.of(run));
      throw spillFailure(e);
    }
    buffered = 0;
    addRun(0, run);
  }

  private void addRun(int tier, Path run) {
    while (tiers.size() <= tier) {
      tiers.add(new ArrayList<>());
    }
    List<Path> runs = tiers.get(tier);
    runs.add(run);
    if (runs.size() == MAX_RUNS) {
      Path merged = createTempRun();
      try (DataOutputStream out = openRun(merged)) {
        merge(runs, out);
      } catch (IOException e) {
        delete(List.of(merged));
        throw spillFailure(e);
      }
      delete(runs);
      runs.clear();
      addRun(tier + 1, merged);
    }
  }

  private record Head(long high, long low, long row, DataInputStream in) {}

  /** Merges runs, checking neighbours; writes the merged run to {@code out} if given. */
  private void merge(List<Path> runs, DataOutputStream out) {
    PriorityQueue<Head> heads =
        new PriorityQueue<>(
            (a, b) -> {
              int byHigh = Long.compare(a.high(), b.high());
              return byHigh != 0 ? byHigh : Long.compare(a.low(), b.low());
            });
    List<DataInputStream> streams = new ArrayList<>();
    try {
      for (Path run : runs) {
        DataInputStream in =
            new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 13));
        streams.add(in);
        Head first = next(in);
        if (first != null) {
          heads.add(first);
        }
      }
      Head previous = null;
      while (!heads.isEmpty()) {
        Head head = heads.poll();
        if (previous != null) {
          checkDistinct(
              previous.high(), previous.low(), previous.row(), head.high(), head.low(), head.row());
        }
        if (out != null) {
          out.writeLong(head.high());
          out.writeLong(head.low());
          out.writeLong(head.row());
        }
        previous = head;
        Head following = next(head.in());
        if (following != null) {
          heads.add(following);
        }
      }
    } catch (IOException e) {
      throw spillFailure(e);
    } finally {
      for (DataInputStream in : streams) {
        try {
          in.close();
        } catch (IOException e) {
          // Reading is over; the files are deleted on close.
        }
      }
    }
  }

  private static Head next(DataInputStream in) throws IOException {
    try {
      return new Head(in.readLong(), in.readLong(), in.readLong(), in);
    } catch (EOFException e) {
      return null;
    }
  }

  private static Path createTempRun() {
    try {
      return Files.createTempFile("cleanroom-unique-", ".run");
    } catch (IOException e) {
      throw spillFailure(e);
    }
  }

  private static DataOutputStream openRun(Path run) throws IOException {
    return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16));
  }

  private static ConnectorException spillFailure(IOException e) {
    return new ConnectorException(
        ConnectorErrorCode.STORAGE_FAILURE, "cannot spill unique keys to temporary files", e);
  }

  private void checkDistinct(
      long firstHigh,
      long firstLow,
      long firstRow,
      long secondHigh,
      long secondLow,
      long secondRow) {
    if (firstHigh == secondHigh && firstLow == secondLow) {
      throw new ConnectorException(
          ConnectorErrorCode.DUPLICATE_VALUE,
          "row "
              + Math.max(firstRow, secondRow)
              + ", column '"
              + column
              + "': value repeats an earlier row; one row per privacy unit is required");
    }
  }
}
