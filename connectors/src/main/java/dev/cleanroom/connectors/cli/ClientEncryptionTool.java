package dev.cleanroom.connectors.cli;

import dev.cleanroom.connectors.ConnectorErrorCode;
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
import java.io.PrintStream;
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
import java.util.List;
import java.util.Map;

/**
 * The retailer's command-line tool: turns a CSV into an upload whose join keys are fingerprints,
 * with raw PII columns dropped and rows shuffled, before anything leaves the retailer's machine.
 * Rows are held in memory to be shuffled.
 */
public final class ClientEncryptionTool {
  private final Map<String, String> environment;
  private final SecureRandom random;

  ClientEncryptionTool(Map<String, String> environment, SecureRandom random) {
    this.environment = environment;
    this.random = random;
  }

  public static void main(String[] args) {
    int status =
        new ClientEncryptionTool(System.getenv(), new SecureRandom())
            .run(args, System.out, System.err);
    System.exit(status);
  }

  /** Runs the tool; returns the process exit status (0 on success, 2 on usage, 1 otherwise). */
  int run(String[] args, PrintStream out, PrintStream err) {
    try {
      ToolOptions options = ToolOptions.parse(args);
      long rows = encrypt(options);
      out.println("wrote " + rows + " shuffled rows to " + options.output());
      return 0;
    } catch (ConnectorException e) {
      err.println("client-encrypt: " + e.getMessage());
      if (e.code() == ConnectorErrorCode.USAGE) {
        err.print(ToolOptions.USAGE);
        return 2;
      }
      return 1;
    }
  }

  long encrypt(ToolOptions options) {
    SharedSecret secret = readSecret(options);
    try (Reader reader = utf8Reader(options.input())) {
      CsvRecordReader records = new CsvRecordReader(reader);
      List<String> header = records.next();
      if (header == null) {
        throw new ConnectorException(ConnectorErrorCode.EMPTY_UPLOAD, "the input is empty");
      }
      OutputPlan plan = OutputPlan.create(header, options, secret);
      List<List<String>> rows = new ArrayList<>();
      List<String> record;
      while ((record = records.next()) != null) {
        long row = records.recordNumber() - 1;
        if (record.size() != header.size()) {
          throw new ConnectorException(
              ConnectorErrorCode.MALFORMED_CSV,
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
      writeAtomically(options.output(), plan.outputHeader(), rows);
      return rows.size();
    } catch (IOException e) {
      throw new ConnectorException(
          ConnectorErrorCode.STORAGE_FAILURE, "cannot read or write the CSV files", e);
    } finally {
      secret.destroy();
    }
  }

  private SharedSecret readSecret(ToolOptions options) {
    if (options.secretEnvironmentVariable() != null) {
      String value = environment.get(options.secretEnvironmentVariable());
      if (value == null) {
        throw new ConnectorException(
            ConnectorErrorCode.USAGE,
            "environment variable '" + options.secretEnvironmentVariable() + "' is not set");
      }
      return SharedSecret.fromText(value);
    }
    try {
      return SharedSecret.fromText(Files.readString(options.secretFile(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConnectorException(
          ConnectorErrorCode.USAGE, "cannot read secret file '" + options.secretFile() + "'");
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
    Path temp = Files.createTempFile(absolute.getParent(), ".client-encrypt-", ".csv");
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

    static OutputPlan create(List<String> header, ToolOptions options, SharedSecret secret) {
      OutputPlan plan = new OutputPlan();
      for (String column : options.dropColumns()) {
        if (!header.contains(column)) {
          throw usage("column '" + column + "' to drop is not in the input");
        }
      }
      for (ToolOptions.FingerprintSpec spec : options.fingerprints()) {
        if (!header.contains(spec.source())) {
          throw usage("column '" + spec.source() + "' to fingerprint is not in the input");
        }
        if (!spec.target().equals(spec.source()) && header.contains(spec.target())) {
          throw usage("target column '" + spec.target() + "' already exists in the input");
        }
      }
      for (int i = 0; i < header.size(); i++) {
        String column = header.get(i);
        if (column == null) {
          throw usage("column " + (i + 1) + " of the input header has no name");
        }
        ToolOptions.FingerprintSpec inPlace = null;
        for (ToolOptions.FingerprintSpec spec : options.fingerprints()) {
          if (spec.source().equals(column) && spec.target().equals(column)) {
            inPlace = spec;
          }
        }
        if (inPlace != null) {
          plan.add(column, column, i, fingerprinter(inPlace, options, secret));
        } else if (!options.dropColumns().contains(column)) {
          plan.add(column, column, i, null);
        }
        // New fingerprint columns follow their source column.
        for (ToolOptions.FingerprintSpec spec : options.fingerprints()) {
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
          throw new ConnectorException(
              ConnectorErrorCode.TYPE_MISMATCH,
              "row " + row + ", column '" + sourceNames.get(i) + "': " + e.getMessage());
        }
      }
      return output;
    }

    private static Fingerprinter fingerprinter(
        ToolOptions.FingerprintSpec spec, ToolOptions options, SharedSecret secret) {
      return Fingerprinter.create(secret, options.collaborationId(), spec.joinKeyName());
    }

    private static ConnectorException usage(String problem) {
      return new ConnectorException(ConnectorErrorCode.USAGE, problem);
    }
  }
}
