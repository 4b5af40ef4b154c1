package dev.cleanroom.client.encrypt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.client.ClientRun;
import dev.cleanroom.connectors.crypto.Fingerprints;
import dev.cleanroom.connectors.ingest.CsvRecordReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptCommandTest {
  private static final String SECRET = "shared-by-retailer-and-advertiser";
  private static final Map<String, String> ENV = Map.of("CLEANROOM_SECRET", SECRET);

  @TempDir Path directory;

  @Test
  void retailerFile_getsFingerprintsPiiDroppedAndRowsShuffled() throws IOException {
    StringBuilder input = new StringBuilder("customer_id,email,zip\n");
    for (int i = 0; i < 200; i++) {
      input
          .append(i)
          .append(",Person")
          .append(i)
          .append("@Example.com,1011")
          .append(i % 9)
          .append('\n');
    }
    input.append("200,,10115\n");
    Path in = write("customers.csv", input.toString());
    Path out = directory.resolve("upload.csv");

    ClientRun run =
        encrypt(
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--collaboration",
            "demo",
            "--secret-env",
            "CLEANROOM_SECRET",
            "--fingerprint",
            "email_hash=email",
            "--drop",
            "email");

    assertEquals(0, run.status(), run::toString);
    assertEquals("wrote 201 shuffled rows to " + out, run.err().strip());
    List<List<String>> rows = read(out);
    assertEquals(List.of("customer_id", "email_hash", "zip"), rows.get(0));
    List<List<String>> data = rows.subList(1, rows.size());
    assertEquals(201, data.size());
    List<String> order = data.stream().map(row -> row.get(0)).toList();
    assertNotEquals(sortedNumerically(order), order, "rows must be shuffled");
    Set<String> fingerprints = new HashSet<>();
    for (List<String> row : data) {
      if (row.get(0).equals("200")) {
        assertEquals(null, row.get(1), "a NULL e-mail stays NULL");
      } else {
        assertTrue(Fingerprints.looksLikeFingerprint(row.get(1)));
        fingerprints.add(row.get(1));
      }
    }
    assertEquals(200, fingerprints.size());
    assertFalse(Files.readString(out).toLowerCase().contains("example.com"));
  }

  @Test
  void advertiserAndRetailerFiles_joinOnTheSameFingerprint() throws IOException {
    Path retailer = write("retailer.csv", "customer_id,email\n7,Jane.Doe@Gmail.com\n");
    Path advertiser =
        write("advertiser.csv", "impression_id,email_hash\n1, janedoe+promo@gmail.com\n");
    Path secretFile = write("secret.txt", SECRET + "\n");
    Path retailerOut = directory.resolve("r.csv");
    Path advertiserOut = directory.resolve("a.csv");
    Path otherCollaborationOut = directory.resolve("o.csv");

    assertEquals(
        0,
        encrypt(
                "--input",
                retailer.toString(),
                "--output",
                retailerOut.toString(),
                "--collaboration",
                "demo",
                "--secret-env",
                "CLEANROOM_SECRET",
                "--fingerprint",
                "email_hash=email",
                "--drop",
                "email")
            .status());
    assertEquals(
        0,
        encrypt(
                "--input",
                advertiser.toString(),
                "--output",
                advertiserOut.toString(),
                "-c",
                "demo",
                "--secret-file",
                secretFile.toString(),
                "--fingerprint",
                "email_hash=email_hash:email")
            .status());
    assertEquals(
        0,
        encrypt(
                "--input",
                retailer.toString(),
                "--output",
                otherCollaborationOut.toString(),
                "--collaboration",
                "another",
                "--secret-env",
                "CLEANROOM_SECRET",
                "--fingerprint",
                "email_hash=email",
                "--drop",
                "email")
            .status());

    String retailerHash = read(retailerOut).get(1).get(1);
    assertEquals(retailerHash, read(advertiserOut).get(1).get(1));
    assertNotEquals(retailerHash, read(otherCollaborationOut).get(1).get(1));
  }

  @Test
  void secretOnTheCommandLine_isRefusedAsUsage() throws IOException {
    Path in = write("in.csv", "email\na@b.com\n");
    ClientRun run =
        encrypt(
            "--input",
            in.toString(),
            "--output",
            directory.resolve("o.csv").toString(),
            "--collaboration",
            "demo",
            "--secret",
            SECRET,
            "--fingerprint",
            "email=email");
    assertEquals(2, run.status(), run::toString);
    assertTrue(run.err().contains("never given on the command line"), run::toString);
    assertFalse(run.err().contains(SECRET), "the secret is not echoed");
    assertFalse(Files.exists(directory.resolve("o.csv")));
  }

  @Test
  void bothSecretSources_areAUsageError() throws IOException {
    Path in = write("in.csv", "email\na@b.com\n");
    ClientRun run =
        encrypt(
            "--input",
            in.toString(),
            "--output",
            directory.resolve("o.csv").toString(),
            "--collaboration",
            "demo",
            "--secret-env",
            "CLEANROOM_SECRET",
            "--secret-file",
            "secret.txt",
            "--fingerprint",
            "email=email");
    assertEquals(2, run.status(), run::toString);
    assertTrue(run.err().contains("mutually exclusive"), run::toString);
  }

  @Test
  void unsetSecretVariableAndUnknownColumn_areUsageErrors() throws IOException {
    Path in = write("in.csv", "email\na@b.com\n");
    ClientRun unset =
        encrypt(
            "--input",
            in.toString(),
            "--output",
            directory.resolve("o.csv").toString(),
            "--collaboration",
            "demo",
            "--secret-env",
            "NOT_SET",
            "--fingerprint",
            "email=email");
    ClientRun unknown =
        encrypt(
            "--input",
            in.toString(),
            "--output",
            directory.resolve("o.csv").toString(),
            "--collaboration",
            "demo",
            "--secret-env",
            "CLEANROOM_SECRET",
            "--fingerprint",
            "phone_hash=phone");

    assertEquals(2, unset.status(), unset::toString);
    assertEquals(
        "cleanroom encrypt: environment variable 'NOT_SET' is not set", unset.err().strip());
    assertEquals(2, unknown.status(), unknown::toString);
    assertEquals(
        "cleanroom encrypt: column 'phone' to fingerprint is not in the input",
        unknown.err().strip());
  }

  @Test
  void malformedEmail_failsWithRowAndColumnButNoValueAndWritesNothing() throws IOException {
    Path in = write("in.csv", "email\na@b.com\nnot-an-address\n");
    Path out = directory.resolve("o.csv");
    ClientRun run =
        encrypt(
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--collaboration",
            "demo",
            "--secret-env",
            "CLEANROOM_SECRET",
            "--fingerprint",
            "email=email");
    assertEquals(1, run.status(), run::toString);
    assertEquals(
        "cleanroom encrypt: row 2, column 'email': not an e-mail address", run.err().strip());
    assertFalse(Files.exists(out));
  }

  private static ClientRun encrypt(String... args) {
    String[] withCommand = new String[args.length + 1];
    withCommand[0] = "encrypt";
    System.arraycopy(args, 0, withCommand, 1, args.length);
    return ClientRun.run(ENV, withCommand);
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(directory.resolve(name), content, StandardCharsets.UTF_8);
  }

  private static List<List<String>> read(Path file) throws IOException {
    CsvRecordReader reader = new CsvRecordReader(new StringReader(Files.readString(file)));
    List<List<String>> rows = new ArrayList<>();
    List<String> row;
    while ((row = reader.next()) != null) {
      rows.add(row);
    }
    return rows;
  }

  private static List<String> sortedNumerically(List<String> values) {
    return values.stream()
        .sorted((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)))
        .toList();
  }
}
