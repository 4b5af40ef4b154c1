package dev.cleanroom.client.encrypt;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.client.session.ClientException;
import dev.cleanroom.client.session.ExitStatus;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.crypto.Fingerprinter;
import dev.cleanroom.connectors.crypto.SharedSecret;
import dev.cleanroom.connectors.ingest.CsvRecordReader;
import dev.cleanroom.connectors.ingest.CsvWriter;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a CSV into an upload whose join keys are fingerprints, with raw PII columns dropped and
 * rows shuffled, before anything leaves the member's machine. Rows are held in memory to be
 * shuffled.
 */
final class ClientEncryption {
  private final String collaborationId;
  private final List<FingerprintSpec> fingerprints;
  private final Set<String> dropColumns;
  private final SecureRandom random;

  ClientEncryption(
      String collaborationId,
      List<FingerprintSpec> fingerprints,
      Set<String> dropColumns,
      SecureRandom random) {
    this.collaborationId = requireNonNull(collaborationId, "collaborationId is null");
    this.fingerprints = List.copyOf(fingerprints);
    this.dropColumns = Set.copyOf(dropColumns);
    this.random = requireNonNull(random, "random is null");
    if (this.fingerprints.isEmpty()) {
      throw ClientException.usage("give at least one --fingerprint");
    }
    Set<String> targets = new HashSet<>();
    for (FingerprintSpec spec : this.fingerprints) {
      if (!targets.add(spec.target())) {
        throw ClientException.usage(
            "column '" + spec.target() + "' is the target of two --fingerprint options");
      }
      if (this.dropColumns.contains(spec.target())) {
        throw ClientException.usage(
            "column '" + spec.target() + "' is both fingerprinted and dropped");
      }
    }
  }

  /** Encrypts {@code input} into {@code output}; destroys {@code secret}; answers the row count. */
  long encrypt(Path input, Path output, SharedSecret secret) {
    try (Reader reader = utf8Reader(input)) {
      CsvRecordReader records = new CsvRecordReader(reader);
      List<String> header = records.next();
      if (header == null) {
        throw new ClientException(ExitStatus.FAILURE, "the input is empty");
      }
      OutputPlan plan = OutputPlan.create(header, this, secret);
      List<List<String>> rows = new ArrayList<>();
      List<String> record;
      while ((record = records.next()) != null) {
        long row = records.recordNumber() - 1;
        if (record.size() != header.size()) {
          throw new ClientException(
              ExitStatus.FAILURE,
              "row "
                  + row
                  + " (line "
                  + records.recordLine()
                  + "): has "
                  + record.size()
                  + " fields, the header has "
                  + header.size());
        }
        rows.add(plan.transform(record, row));
      }
      Collections.shuffle(rows, random);
      writeAtomically(output, plan.outputHeader(), rows);
      return rows.size();
    } catch (ConnectorException e) {
      // The CSV reader's messages name rows and lines only.
      throw new ClientException(ExitStatus.FAILURE, e.getMessage(), e);
    } catch (IOException e) {
      throw new ClientException(ExitStatus.FAILURE, "cannot read or write the CSV files", e);
    } finally {
      secret.destroy();
    }
  }

  private static Reader utf8Reader(Path input) throws IOException {
    return new BufferedReader(
        new InputStreamReader(
            Files.newInputStream(input),
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)));
  }

  /** Writes next to the target and renames, so a failed run never leaves a partial upload file. */
  private static void writeAtomically(Path output, List<String> header, List<List<String>> rows)
      throws IOException {
    Path absolute = output.toAbsolutePath();
    Path temp = Files.createTempFile(absolute.getParent(), ".cleanroom-encrypt-", ".csv");
    try {
      try (Writer writer =
          new BufferedWriter(
              new OutputStreamWriter(Files.newOutputStream(temp), StandardCharsets.UTF_8))) {
        CsvWriter csv = new CsvWriter(writer);
        csv.writeRecord(header);
        for (List<String> row : rows) {
          csv.writeRecord(row);
        }
        csv.flush();
      }
      Files.move(
          temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Which input column feeds each output column, and how. */
  private static final class OutputPlan {
    private final List<String> outputHeader = new ArrayList<>();
    private final List<String> sourceNames = new ArrayList<>();
    private final List<Integer> sourceIndex = new ArrayList<>();
    private final List<Fingerprinter> fingerprinters = new ArrayList<>();

    static OutputPlan create(List<String> header, ClientEncryption options, SharedSecret secret) {
      OutputPlan plan = new OutputPlan();
      for (String column : options.dropColumns) {
        if (!header.contains(column)) {
          throw ClientException.usage("column '" + column + "' to drop is not in the input");
        }
      }
      for (FingerprintSpec spec : options.fingerprints) {
        if (!header.contains(spec.source())) {
          throw ClientException.usage(
              "column '" + spec.source() + "' to fingerprint is not in the input");
        }
        if (!spec.target().equals(spec.source()) && header.contains(spec.target())) {
          throw ClientException.usage(
              "target column '" + spec.target() + "' already exists in the input");
        }
      }
      for (int i = 0; i < header.size(); i++) {
        String column = header.get(i);
        if (column == null) {
          throw ClientException.usage("column " + (i + 1) + " of the input header has no name");
        }
        FingerprintSpec inPlace = null;
        for (FingerprintSpec spec : options.fingerprints) {
          if (spec.source().equals(column) && spec.target().equals(column)) {
            inPlace = spec;
          }
        }
        if (inPlace != null) {
          plan.add(column, column, i, fingerprinter(inPlace, options, secret));
        } else if (!options.dropColumns.contains(column)) {
          plan.add(column, column, i, null);
        }
        // New fingerprint columns follow their source column.
        for (FingerprintSpec spec : options.fingerprints) {
          if (spec.source().equals(column) && !spec.target().equals(column)) {
            plan.add(spec.target(), column, i, fingerprinter(spec, options, secret));
          }
        }
      }
      return plan;
    }

    private void add(String column, String sourceName, int source, Fingerprinter fingerprinter) {
      outputHeader.add(column);
      sourceNames.add(sourceName);
      sourceIndex.add(source);
      fingerprinters.add(fingerprinter);
    }

    List<String> outputHeader() {
      return outputHeader;
    }

    List<String> transform(List<String> record, long row) {
      List<String> output = new ArrayList<>(outputHeader.size());
      for (int i = 0; i < outputHeader.size(); i++) {
        String value = record.get(sourceIndex.get(i));
        Fingerprinter fingerprinter = fingerprinters.get(i);
        if (fingerprinter == null) {
          output.add(value);
          continue;
        }
        try {
          output.add(fingerprinter.fingerprint(value).orElse(null));
        } catch (IllegalArgumentException e) {
          // The fingerprinter's messages describe the problem, never the value.
          throw new ClientException(
              ExitStatus.FAILURE,
              "row " + row + ", column '" + sourceNames.get(i) + "': " + e.getMessage());
        }
      }
      return output;
    }

    private static Fingerprinter fingerprinter(
        FingerprintSpec spec, ClientEncryption options, SharedSecret secret) {
      try {
        return Fingerprinter.create(secret, options.collaborationId, spec.joinKeyName());
      } catch (ConnectorException | IllegalArgumentException e) {
        throw ClientException.usage(e.getMessage());
      }
    }
  }
}
