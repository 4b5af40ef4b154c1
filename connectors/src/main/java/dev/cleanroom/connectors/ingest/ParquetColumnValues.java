package dev.cleanroom.connectors.ingest;

import static org.apache.parquet.column.ValuesType.DEFINITION_LEVEL;
import static org.apache.parquet.column.ValuesType.REPETITION_LEVEL;
import static org.apache.parquet.column.ValuesType.VALUES;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.RequiresPreviousReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.column.values.dictionary.DictionaryValuesReader;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * The values of one flat column chunk, read page by page straight from Parquet's level and value
 * decoders: per value a definition level (none for a required column) and, when it is defined, the
 * value from {@link #values()}. Parquet's record-level {@code ColumnReader} does the same with
 * repetition levels, converters and skipping on every value, most of an upload's time. Pages of
 * either version and every value encoding Parquet reads are read; a dictionary-encoded page gives
 * its values' dictionary ids ({@link #dictionaryIds()}).
 */
final class ParquetColumnValues {
  private final PageReader pages;
  private final ColumnDescriptor column;
  private final int maxDefinition;
  private final Dictionary dictionary;
  private byte[][] dictionaryEntries;
  private final boolean readInPlace;
  private ValuesReader values;
  private ByteBuffer plain;
  private ValuesReader definitionsV1;
  private RunLengthBitPackingHybridDecoder definitionsV2;
  private long remainingInPage;

  ParquetColumnValues(PageReader pages, ColumnDescriptor column) throws IOException {
    this.pages = pages;
    this.column = column;
    this.maxDefinition = column.getMaxDefinitionLevel();
    PrimitiveType type = column.getPrimitiveType();
    PrimitiveTypeName name = type.getPrimitiveTypeName();
    this.readInPlace =
        name == PrimitiveTypeName.INT32
            || name == PrimitiveTypeName.INT64
            || name == PrimitiveTypeName.DOUBLE
            || (name == PrimitiveTypeName.BINARY
                && type.getLogicalTypeAnnotation()
                    instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation);
    DictionaryPage dictionaryPage = pages.readDictionaryPage();
    this.dictionary =
        dictionaryPage == null
            ? null
            : dictionaryPage.getEncoding().initDictionary(column, dictionaryPage);
  }

  /** The dictionary's byte strings by id, taken out of it once for the column chunk. */
  byte[][] dictionaryEntries() {
    if (dictionaryEntries == null) {
      byte[][] entries = new byte[dictionary.getMaxId() + 1][];
      for (int id = 0; id < entries.length; id++) {
        entries[id] = dictionary.decodeToBinary(id).getBytes();
      }
      dictionaryEntries = entries;
    }
    return dictionaryEntries;
  }

  /**
   * Moves to the next value (to the next page when this one is read) and says whether it is defined
   * (not NULL); then a defined value is read from {@link #values()}.
   */
  boolean nextIsDefined() throws IOException {
    // A loop, not a recursion: a file may hold any number of pages without values.
    while (remainingInPage == 0) {
      readPage();
    }
    remainingInPage--;
    if (maxDefinition == 0) {
      return true;
    }
    int level = definitionsV1 != null ? definitionsV1.readInteger() : definitionsV2.readInt();
    return level == maxDefinition;
  }

  /** The current page's value decoder. */
  ValuesReader values() {
    return values;
  }

  /**
   * The current page's values when they are plain-encoded and of a type read in place (strings:
   * each a little-endian length and its UTF-8 bytes; INT32, INT64 and DOUBLE: little-endian, of
   * their width), read from the buffer's position; or null: then they are read from {@link
   * #values()}. Parquet's own readers take a stream call per number and two buffer views per
   * string.
   */
  ByteBuffer plain() {
    return plain;
  }

  /** The current page's values as dictionary ids, or null when the page is not so encoded. */
  DictionaryValuesReader dictionaryIds() {
    return values instanceof DictionaryValuesReader ids ? ids : null;
  }

  private void readPage() throws IOException {
    DataPage page = pages.readPage();
    if (page == null) {
      throw new ParquetDecodingException("column " + column + " has fewer values than rows");
    }
    if (page instanceof DataPageV1 v1) {
      ByteBufferInputStream in = v1.getBytes().toInputStream();
      int count = v1.getValueCount();
      // Flat columns have no repetition levels, but a page may still hold their (empty) section.
      v1.getRlEncoding().getValuesReader(column, REPETITION_LEVEL).initFromPage(count, in);
      definitionsV1 = v1.getDlEncoding().getValuesReader(column, DEFINITION_LEVEL);
      definitionsV1.initFromPage(count, in);
      definitionsV2 = null;
      startValues(v1.getValueEncoding(), in, count);
    } else {
      DataPageV2 v2 = (DataPageV2) page;
      int count = v2.getValueCount();
      definitionsV1 = null;
      definitionsV2 =
          maxDefinition == 0
              ? null
              : new RunLengthBitPackingHybridDecoder(
                  BytesUtils.getWidthFromMaxInt(maxDefinition),
                  v2.getDefinitionLevels().toInputStream());
      startValues(v2.getDataEncoding(), v2.getData().toInputStream(), count);
    }
  }

  private void startValues(Encoding encoding, ByteBufferInputStream in, int count)
      throws IOException {
    ValuesReader previous = values;
    plain = null;
    if (readInPlace && encoding == Encoding.PLAIN) {
      plain = in.slice(in.available()).order(ByteOrder.LITTLE_ENDIAN);
      values = null;
      remainingInPage = count;
      return;
    }
    if (encoding.usesDictionary()) {
      if (dictionary == null) {
        throw new ParquetDecodingException("a dictionary-encoded page without a dictionary");
      }
      values = encoding.getDictionaryBasedValuesReader(column, VALUES, dictionary);
    } else {
      values = encoding.getValuesReader(column, VALUES);
    }
    values.initFromPage(count, in);
    // Byte-array deltas written by old writers continue from the previous page's last value (a
    // well-formed page starts afresh, and then the previous value is not read).
    if (previous != null && values instanceof RequiresPreviousReader continuing) {
      continuing.setPreviousReader(previous);
    }
    remainingInPage = count;
  }
}
