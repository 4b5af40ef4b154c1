package dev.cleanroom.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {
  @Test
  void cells_alignNumbersRightTextLeftAndShowNull() {
    TextTable table = new TextTable(List.of("campaign_id", "reach"), List.of(false, true));
    table.add(List.of("c1", "1180"));
    table.add(Arrays.asList(null, "7"));
    table.add(List.of("spring-sale", "960"));

    assertEquals(
        String.join(
            "\n",
            "campaign_id  reach",
            "-----------  -----",
            "c1            1180",
            "NULL             7",
            "spring-sale    960",
            ""),
        print(table));
  }

  @Test
  void lastTextColumn_isNotPaddedAndLineBreaksInCellsAreFlattened() {
    TextTable table = new TextTable(List.of("n", "detail"), List.of(true, false));
    table.add(List.of("1", "a\nb"));
    table.add(List.of("22", "c"));

    assertEquals(
        String.join("\n", " n  detail", "--  ------", " 1  a b", "22  c", ""), print(table));
  }

  @Test
  void rowOfTheWrongWidth_isRefused() {
    TextTable table = new TextTable(List.of("a", "b"), List.of(false, false));
    assertThrows(IllegalArgumentException.class, () -> table.add(List.of("only one")));
  }

  private static String print(TextTable table) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    table.print(out);
    return bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
  }
}
