package dev.cleanroom.connectors.ingest;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Reads a UTF-8 CSV upload with a header row into batches of the declared schema. */
final class CsvIngest {
  private CsvIngest() {}

  static long read(
      LimitedInputStream in,
      DatasetSchema schema,
      BatchValidator validator,
      BufferAllocator allocator,
      int batchRows,
      BatchSink sink,
      IngestProgress progress)
      throws IOException {
    InputStreamReader decoder =
        new InputStreamReader(
            in,
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
    CsvRecordReader records = new CsvRecordReader(decoder);
    List<String> header = records.next();
    if (header == null) {
      throw new ConnectorException(ConnectorErrorCode.EMPTY_UPLOAD, "the upload is empty");
    }
    header = stripByteOrderMark(header);
    int[] declaredIndex = ColumnMatcher.match(header, schema);
    CellParser[] parsers = new CellParser[header.size()];
    for (int i = 0; i < parsers.length; i++) {
      var column = schema.column(declaredIndex[i]);
      parsers[i] = new CellParser(column.type(), column.name());
    }
    long rows = 0;
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(schema.arrowSchema(), allocator)) {
      FieldVector[] vectors = new FieldVector[header.size()];
      for (int i = 0; i < vectors.length; i++) {
        vectors[i] = batch.getVector(declaredIndex[i]);
      }
      batch.allocateNew();
      int inBatch = 0;
      List<String> record;
      while ((record = records.next()) != null) {
        long row = rows + 1;
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
        for (int i = 0; i < vectors.length; i++) {
          parsers[i].write(vectors[i], inBatch, record.get(i), row);
        }
        inBatch++;
        rows++;
        if (inBatch == batchRows) {
          flush(batch, inBatch, validator, rows, sink);
          progress.onProgress(in.count(), rows);
          batch.allocateNew();
          inBatch = 0;
        }
      }
      if (rows == 0) {
        throw new ConnectorException(ConnectorErrorCode.EMPTY_UPLOAD, "the upload has no rows");
      }
      if (inBatch > 0) {
        flush(batch, inBatch, validator, rows, sink);
        progress.onProgress(in.count(), rows);
      }
    }
    return rows;
  }

  private static void flush(
      VectorSchemaRoot batch, int count, BatchValidator validator, long rowsSoFar, BatchSink sink)
      throws IOException {
    batch.setRowCount(count);
    validator.validate(batch, rowsSoFar - count + 1);
    sink.accept(batch);
  }

  private static List<String> stripByteOrderMark(List<String> header) {
    String first = header.get(0);
    if (first != null && first.startsWith("\uFEFF")) {
      List<String> copy = new ArrayList<>(header);
      copy.set(0, first.substring(1));
      return copy;
    }
    return header;
  }
}
