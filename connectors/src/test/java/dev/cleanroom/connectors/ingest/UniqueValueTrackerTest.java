package dev.cleanroom.connectors.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.TestDatasets;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

class UniqueValueTrackerTest {
  @Test
  void distinctValuesSpilledOverManyRuns_pass() {
    try (UniqueValueTracker tracker = new UniqueValueTracker("id", 7)) {
      for (long row = 1; row <= 1000; row++) {
        tracker.addInteger(row * 7919 % 1009, row);
        tracker.addText("user-" + row, row);
      }
      tracker.finish();
    }
  }

  @Test
  void repeatInAnotherRun_isFoundByTheMergeWithTheLaterRow() {
    try (UniqueValueTracker tracker = new UniqueValueTracker("id", 4)) {
      for (long row = 1; row <= 20; row++) {
        tracker.addInteger(row == 17 ? 2 : row, row);
      }
      ConnectorException e = assertThrows(ConnectorException.class, tracker::finish);
      assertEquals(ConnectorErrorCode.DUPLICATE_VALUE, e.code());
      assertEquals(
          "row 17, column 'id': value repeats an earlier row; one row per privacy unit is required",
          e.getMessage());
    }
  }

  @Test
  void moreRunsThanAreKeptOpen_areMergedAndStillChecked() {
    try (UniqueValueTracker tracker = new UniqueValueTracker("id", 2)) {
      int entries = 2 * UniqueValueTracker.MAX_RUNS * 3;
      for (long row = 1; row <= entries; row++) {
        tracker.addInteger(entries - row, row);
      }
      tracker.finish();
    }
    try (UniqueValueTracker tracker = new UniqueValueTracker("id", 2)) {
      int entries = 2 * UniqueValueTracker.MAX_RUNS * 3;
      for (long row = 1; row <= entries; row++) {
        tracker.addInteger(row == entries ? 5 : row, row);
      }
      ConnectorException e = assertThrows(ConnectorException.class, tracker::finish);
      assertEquals(
          "row "
              + entries
              + ", column 'id': value repeats an earlier row; one row per privacy"
              + " unit is required",
          e.getMessage());
    }
  }

  @Test
  void repeatedText_isFound() {
    try (UniqueValueTracker tracker = new UniqueValueTracker("email_hash", 3)) {
      List.of("a", "b", "c", "d", "e", "b").forEach(value -> tracker.addText(value, 0));
      assertThrows(ConnectorException.class, tracker::finish);
    }
  }

  @Test
  void csvWithRepeatedUnitFarApart_isRefusedWithSmallRuns() {
    StringBuilder csv =
        new StringBuilder(
            "customer_id,email_hash,zip,age,lifetime_spend,balance,opted_out,birthday,joined\n");
    for (int id = 1; id <= 500; id++) {
      csv.append(id == 480 ? 3 : id).append(",,z,1,1.0,1.00,true,2000-01-01,2000-01-01 00:00:00\n");
    }
    try (BufferAllocator allocator = new RootAllocator()) {
      ConnectorException e =
          assertThrows(
              ConnectorException.class,
              () ->
                  new DatasetIngestor(64, 16)
                      .ingest(
                          new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
                          UploadFormat.CSV,
                          TestDatasets.customers(),
                          TestDatasets.customerRules(),
                          allocator,
                          new RowCollector(),
                          IngestProgress.NONE));
      assertEquals(ConnectorErrorCode.DUPLICATE_VALUE, e.code());
      assertEquals(
          "row 480, column 'customer_id': value repeats an earlier row; one row per privacy unit"
              + " is required",
          e.getMessage());
    }
  }
}
