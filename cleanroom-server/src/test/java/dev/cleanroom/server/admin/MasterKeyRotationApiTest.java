package dev.cleanroom.server.admin;

import static dev.cleanroom.server.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.dataset.LoadedDataset;
import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.connectors.storage.MasterKeyRing;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.arrow.memory.RootAllocator;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * The operator's master key rotation over real HTTP and real files: the server runs with a new
 * master key and the old one as a previous key; key files under the old key are re-wrapped on
 * request, data files stay byte for byte, and afterwards the new key alone reads everything while
 * the old key alone reads nothing. (An interrupted rotation is finished by running it again: {@code
 * KilledRotationTest} in connectors kills one with SIGKILL.)
 */
@QuarkusTest
@TestProfile(MasterKeyRotationApiTest.NewMasterKey.class)
class MasterKeyRotationApiTest {
  private static final String ROTATION = "/api/v1/admin/master-key/rotation";
  private static final SecureRandom RANDOM = new SecureRandom();
  // Fixed, not generated: the profile and the test may run in different class loaders.
  static final MasterKey OLD_KEY =
      MasterKey.fromBase64("b2xkLW1hc3Rlci1rZXktb2YtdGhlLXRlc3QtMDEyMzQ=");
  static final MasterKey NEW_KEY =
      MasterKey.fromBase64("bmV3LW1hc3Rlci1rZXktb2YtdGhlLXRlc3QtMDEyMzQ=");

  /** The new key is current; the old key's file is configured as a previous key. */
  public static class NewMasterKey implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Path oldKeyFile = Files.createTempFile("old-master", ".key");
        Files.writeString(oldKeyFile, OLD_KEY.toBase64(), StandardCharsets.US_ASCII);
        oldKeyFile.toFile().deleteOnExit();
        return Map.of(
            "cleanroom.master-key",
            NEW_KEY.toBase64(),
            "cleanroom.master-key.previous-files",
            oldKeyFile.toString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Test
  void operatorRotates_everyKeyFileUnderTheNewKey_dataUntouched_oldKeyAloneReadsNothing()
      throws Exception {
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    DemoDataGenerator generator = TestData.generator(room.name());
    for (int version = 1; version <= 3; version++) {
      room.upload(
          "retailer",
          "customers",
          "text/csv",
          TestData.customersCsv(generator.customers(50 * version))
              .getBytes(StandardCharsets.UTF_8));
    }
    room.approvePolicy("customers", TestData.demoPolicyWithoutJoins("retailer.customers"), 1);
    Path datasets =
        Path.of(ConfigProvider.getConfig().getValue("cleanroom.data-dir", String.class))
            .resolve("datasets");
    // The versions as a server configured with the old key alone would have written them.
    new DatasetStore(datasets, new MasterKeyRing(OLD_KEY, List.of(NEW_KEY)), RANDOM)
        .rotateMasterKey(OLD_KEY);
    Map<Path, String> dataBefore = dataFileHashes(datasets);
    long files = dataBefore.size();
    assertEquals(3, files, "the uploads are stored");

    JsonPath before = status();
    assertEquals(NEW_KEY.id(), before.getString("currentKeyId"));
    assertEquals(List.of(OLD_KEY.id()), before.getList("previousKeyIds"));
    assertEquals(Map.of(OLD_KEY.id(), (int) files), before.getMap("keyFiles"));
    assertEquals(files, before.getLong("keyFilesToRewrap"));
    assertEquals(List.of(), before.getList("unavailableKeyIds"));
    assertFalse(before.getBoolean("complete"));
    // Until it is re-wrapped, the old key still reads what it wraps: an erasure reads version 3,
    // and writes version 4 under the new key. (Of somebody in no version, so that it removes no
    // older version: an erasure deletes those that held the person.)
    room.as("retailer")
        .delete(room.path() + "/datasets/customers/units/999999999")
        .then()
        .statusCode(200)
        .body("version", equalTo(4))
        .body("rowsRemoved", equalTo(0))
        .body("versionsRemoved", equalTo(List.of()));
    assertEquals(Map.of(OLD_KEY.id(), 3, NEW_KEY.id(), 1), status().getMap("keyFiles"));

    JsonPath run = as(Api.OPERATOR_KEY).post(ROTATION).then().statusCode(200).extract().jsonPath();

    assertEquals(files, run.getLong("rewrapped"));
    assertTrue(run.getBoolean("status.complete"));
    assertEquals(Map.of(NEW_KEY.id(), (int) files + 1), run.getMap("status.keyFiles"));
    Map<Path, String> dataAfter = dataFileHashes(datasets);
    for (Map.Entry<Path, String> file : dataBefore.entrySet()) {
      assertEquals(file.getValue(), dataAfter.get(file.getKey()), "data file " + file.getKey());
    }
    DatasetStore newKeyOnly = new DatasetStore(datasets, MasterKeyRing.of(NEW_KEY), RANDOM);
    DatasetStore oldKeyOnly = new DatasetStore(datasets, MasterKeyRing.of(OLD_KEY), RANDOM);
    String dataset = dataBefore.keySet().iterator().next().getParent().toString();
    try (RootAllocator allocator = new RootAllocator()) {
      for (long version : newKeyOnly.versions(dataset)) {
        try (LoadedDataset loaded = newKeyOnly.load(dataset, version, allocator)) {
          assertTrue(loaded.rowCount() > 0);
        }
        ConnectorException e =
            assertThrows(
                ConnectorException.class,
                () -> oldKeyOnly.load(dataset, version, allocator).close());
        assertEquals(ConnectorErrorCode.KEY_ERROR, e.code());
      }
    }

    List<Map<String, Object>> events = room.auditEvents("MASTER_KEY_ROTATED");
    assertEquals(1, events.size());
    assertEquals("operator", events.get(0).get("actor"));
    assertEquals("SUCCESS", events.get(0).get("outcome"));
    assertEquals(
        "currentKeyId=" + NEW_KEY.id() + " previousKeyIds=" + OLD_KEY.id() + " complete=true",
        events.get(0).get("detail"));
    room.as("privacy")
        .get(room.path() + "/audit/verify")
        .then()
        .statusCode(200)
        .body("valid", equalTo(true));

    as(Api.OPERATOR_KEY)
        .post(ROTATION)
        .then()
        .statusCode(200)
        .body("rewrapped", equalTo(0))
        .body("status.complete", equalTo(true));
  }

  @Test
  void memberAsksForTheRotation_forbidden() {
    Collaboration room = Api.newCollaboration();
    for (var request : List.of(room.as("privacy").when(), room.as("retailer").when())) {
      request
          .get(ROTATION)
          .then()
          .statusCode(403)
          .contentType("application/problem+json")
          .body("detail", equalTo("only the operator key may rotate the master key"));
    }
    room.as("privacy")
        .post(ROTATION)
        .then()
        .statusCode(403)
        .body("detail", equalTo("only the operator key may rotate the master key"));
  }

  private static JsonPath status() {
    return as(Api.OPERATOR_KEY).get(ROTATION).then().statusCode(200).extract().jsonPath();
  }

  private static Map<Path, String> dataFileHashes(Path datasets) throws Exception {
    Map<Path, String> hashes = new TreeMap<>();
    try (Stream<Path> files = Files.walk(datasets)) {
      for (Path file :
          files.filter(f -> f.getFileName().toString().endsWith(".arrows.enc")).toList()) {
        hashes.put(
            datasets.relativize(file),
            HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
      }
    }
    return hashes;
  }
}
