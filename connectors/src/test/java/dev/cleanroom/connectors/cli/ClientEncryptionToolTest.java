package dev.cleanroom.connectors.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.crypto.Fingerprints;
import dev.cleanroom.connectors.ingest.CsvRecordReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientEncryptionToolTest {
  private static final String SECRET = "shared-by-retailer-and-advertiser";
  private static final Map<String, String> ENV = Map.of("CLEANROOM_SECRET", SECRET);

  @TempDir Path directory;
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();

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

    int status =
        run(
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

    assertEquals(0, status, stderr.toString());
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
        run(
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
            "email"));
    assertEquals(
        0,
        run(
            "--input",
            advertiser.toString(),
            "--output",
            advertiserOut.toString(),
            "--collaboration",
            "demo",
            "--secret-file",
            secretFile.toString(),
            "--fingerprint",
            "email_hash=email_hash:email"));
    assertEquals(
        0,
        run(
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
            "email"));

    String retailerHash = read(retailerOut).get(1).get(1);
    assertEquals(retailerHash, read(advertiserOut).get(1).get(1));
    assertNotEquals(retailerHash, read(otherCollaborationOut).get(1).get(1));
  }

  @Test
  void secretOnTheCommandLine_isRefused() throws IOException {
    Path in = write("in.csv", "email\na@b.com\n");
    int status =
        run(
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
    assertEquals(2, status);
    assertTrue(stderr.toString().contains("never given on the command line"), stderr.toString());
    assertFalse(Files.exists(directory.resolve("o.csv")));
  }

  @Test
  void malformedEmail_failsWithRowAndColumnButNoValueAndWritesNothing() throws IOException {
    Path in = write("in.csv", "email\na@b.com\nnot-an-address\n");
    Path out = directory.resolve("o.csv");
    int status =
        run(
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
    assertEquals(1, status);
    assertEquals(
        "client-encrypt: row 2, column 'email': not an e-mail address", stderr.toString().strip());
    assertFalse(Files.exists(out));
  }

  private int run(String... args) {
    return new ClientEncryptionTool(ENV, new SecureRandom())
        .run(args, new PrintStream(stdout, true), new PrintStream(stderr, true));
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
