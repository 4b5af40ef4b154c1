package dev.cleanroom.engine.vectorized;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;

class Utf8DictionaryBuilderTest {
  /**
   * Every cell decodes back to its own string, NULL is -1, equal strings share a code and the
   * dictionary holds each distinct value once: across batches, with empty, non-ASCII and long
   * values, and enough distinct values to grow every array.
   */
  @Test
  void encode_givesEachDistinctValueOneCode_andDecodesBackToTheCells() {
    SplittableRandom random = new SplittableRandom(11);
    List<List<String>> batches = new ArrayList<>();
    for (int b = 0; b < 3; b++) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        int kind = random.nextInt(10);
        cells.add(
            switch (kind) {
              case 0 -> null;
              case 1 -> "";
              case 2 -> "Zürich-" + random.nextInt(50) + "-日本";
              case 3 -> "x".repeat(300 + random.nextInt(3)); // longer than the scratch array
              default -> String.format("%064x", random.nextLong(30_000));
            });
      }
      batches.add(cells);
    }
    int total = batches.stream().mapToInt(List::size).sum();
    int[] codes = new int[total];
    Utf8DictionaryBuilder builder = new Utf8DictionaryBuilder();
    try (BufferAllocator allocator = new RootAllocator()) {
      int offset = 0;
      for (List<String> cells : batches) {
        try (VarCharVector vector = new VarCharVector("v", allocator)) {
          vector.allocateNew(cells.size());
          for (int i = 0; i < cells.size(); i++) {
            if (cells.get(i) == null) {
              vector.setNull(i);
            } else {
              vector.setSafe(i, cells.get(i).getBytes(StandardCharsets.UTF_8));
            }
          }
          vector.setValueCount(cells.size());
          builder.encode(vector, cells.size(), codes, offset);
        }
        offset += cells.size();
      }
    }
    StringDictionary dictionary = builder.dictionary();
    HashSet<String> distinct = new HashSet<>();
    int row = 0;
    for (List<String> cells : batches) {
      for (String cell : cells) {
        if (cell == null) {
          assertEquals(-1, codes[row]);
        } else {
          assertEquals(cell, dictionary.value(codes[row]), "row " + row);
          distinct.add(cell);
        }
        row++;
      }
    }
    assertEquals(distinct.size(), dictionary.size());
    HashSet<String> values = new HashSet<>();
    for (int code = 0; code < dictionary.size(); code++) {
      values.add(dictionary.value(code));
      assertEquals(code, dictionary.codeOf(dictionary.value(code)));
    }
    assertEquals(distinct.size(), values.size());
  }
}
