package dev.cleanroom.engine.vectorized;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.engine.TestTable;
import dev.cleanroom.engine.TestTable.ColumnSpec;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The executor's string encodings written out and read back: what is read is exactly what encoding
 * the table computes, and a stream that does not fit the table is refused whole.
 */
class StoredEncodingsTest {
  private static final List<ColumnSpec> COLUMNS =
      List.of(
          new ColumnSpec("id", SqlTypeName.BIGINT, false),
          new ColumnSpec("email", SqlTypeName.VARCHAR, true),
          new ColumnSpec("tier", SqlTypeName.VARCHAR, true));
  private static final String[] EMAILS = {"a", "", "été", "日本", "a", null, "\uD83D\uDE00x", "bb"};
  private static final int ROWS = 40;

  @RegisterExtension final TestAllocator memory = new TestAllocator();
  private final List<TestTable> tables = new ArrayList<>();

  @AfterEach
  void closeTables() {
    tables.forEach(TestTable::close);
  }

  @Test
  void restored_isWhatEncodingComputes_andAFreshExecutorKeepsIt() throws IOException {
    TestTable table = table(EMAILS);
    VectorizedExecutor executor = new VectorizedExecutor(memory.allocator());
    assertEquals(
        Set.of("email", "tier"),
        executor.prepare(table, Set.of("email", "tier", "id", "absent")),
        "the string columns it keeps");
    ByteArrayOutputStream saved = new ByteArrayOutputStream();
    assertEquals(Set.of("email", "tier"), executor.save(table, saved));

    // A fresh executor (a restart) reads them back and writes the same bytes again.
    VectorizedExecutor restarted = new VectorizedExecutor(memory.allocator());
    assertEquals(
        Set.of("email", "tier"),
        restarted.restore(table, new ByteArrayInputStream(saved.toByteArray())));
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    restarted.save(table, again);
    assertArrayEquals(saved.toByteArray(), again.toByteArray());

    TableEncodings computed = new TableEncodings();
    Map<String, DictionaryColumn> read =
        StoredEncodings.read(table, new ByteArrayInputStream(saved.toByteArray()));
    for (String name : List.of("email", "tier")) {
      DictionaryColumn expected = computed.stringColumn(table, name);
      DictionaryColumn actual = read.get(name);
      assertArrayEquals(expected.codes(), actual.codes(), name);
      assertArrayEquals(
          expected.dictionary().valueStarts(), actual.dictionary().valueStarts(), name);
      assertArrayEquals(expected.dictionary().valueBytes(), actual.dictionary().valueBytes(), name);
    }
    DictionaryColumn email = read.get("email");
    assertEquals(-1, email.codes()[5], "NULL");
    assertEquals("日本", email.objectAt(3));
    assertEquals("\uD83D\uDE00x", email.objectAt(6 + EMAILS.length));
  }

  @Test
  void nothingEncoded_nothingSaved() throws IOException {
    TestTable table = table(EMAILS);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(Set.of(), new VectorizedExecutor(memory.allocator()).save(table, out));
    assertEquals(0, out.size());
  }

  @Test
  void anotherTable_refusedWholeAndNothingKept() throws IOException {
    byte[] saved = saved(table(EMAILS));

    String[] longer = EMAILS.clone();
    longer[7] = "bbb";
    assertRefused(table(longer), saved, "column 'email' has a code whose value has another length");

    String[] withNull = EMAILS.clone();
    withNull[0] = null;
    assertRefused(table(withNull), saved, "column 'email' has a code for a NULL");

    String[] withValue = EMAILS.clone();
    withValue[5] = "x";
    assertRefused(table(withValue), saved, "column 'email' has a code out of range");

    TestTable fewer = table(EMAILS, ROWS - 1);
    assertRefused(fewer, saved, "column 'email' has another number of rows than the table");
  }

  @Test
  void alteredStream_refusedWholeAndNothingKept() throws IOException {
    TestTable table = table(EMAILS);
    byte[] saved = saved(table);

    byte[] otherFormat = saved.clone();
    otherFormat[7] = 2;
    assertRefused(table, otherFormat, "format 2, this executor reads format 1");

    byte[] notOurs = saved.clone();
    notOurs[0] ^= 1;
    assertRefused(table, notOurs, "not the executor's stored encodings");

    byte[] trailing = Arrays.copyOf(saved, saved.length + 1);
    assertRefused(table, trailing, "data after the trailer");

    VectorizedExecutor fresh = new VectorizedExecutor(memory.allocator());
    assertThrows(
        EOFException.class,
        () ->
            fresh.restore(
                table, new ByteArrayInputStream(Arrays.copyOf(saved, saved.length - 10))));
    assertEquals(Set.of(), fresh.save(table, new ByteArrayOutputStream()));
  }

  private void assertRefused(TestTable table, byte[] stream, String reason) throws IOException {
    VectorizedExecutor fresh = new VectorizedExecutor(memory.allocator());
    IOException refused =
        assertThrows(
            IOException.class, () -> fresh.restore(table, new ByteArrayInputStream(stream)));
    assertEquals("stored encodings refused: " + reason, refused.getMessage());
    assertEquals(Set.of(), fresh.save(table, new ByteArrayOutputStream()), "nothing kept");
  }

  private byte[] saved(TestTable table) throws IOException {
    VectorizedExecutor executor = new VectorizedExecutor(memory.allocator());
    executor.prepare(table, Set.of("email", "tier"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    executor.save(table, out);
    return out.toByteArray();
  }

  private TestTable table(String[] emails) {
    return table(emails, ROWS);
  }

  /** {@code rows} rows in batches of 7, the emails repeating, every third tier NULL. */
  private TestTable table(String[] emails, int rows) {
    List<Object[]> data = new ArrayList<>();
    for (int row = 0; row < rows; row++) {
      String email = row < emails.length ? emails[row] : EMAILS[row % EMAILS.length];
      data.add(new Object[] {(long) row, email, row % 3 == 0 ? null : "tier-" + row % 4});
    }
    TestTable table = new TestTable(COLUMNS, data, 7, memory.allocator());
    tables.add(table);
    return table;
  }
}
