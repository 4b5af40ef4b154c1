package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.QueryMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;

/**
 * Inner equi-join by hashing the smaller input, or left outer equi-join by hashing the right input
 * (a left row without a match is kept once, with NULLs on the right). A single string key joins
 * through dictionary codes (an array lookup, no hashing); other keys through a {@link KeyTable}.
 * The probe side is split across threads and probed in batches of {@value #BATCH} rows, so the
 * random reads of one batch overlap.
 */
final class JoinOperator {
  static final int BATCH = 1024;

  private JoinOperator() {}

  static Relation join(
      Join join,
      Relation left,
      Relation right,
      QueryContext context,
      ExpressionEvaluator evaluator) {
    boolean leftOuter = join.getJoinType() == JoinRelType.LEFT;
    if (join.getJoinType() != JoinRelType.INNER && !leftOuter) {
      throw unsupported("a " + join.getJoinType() + " join");
    }
    JoinInfo info = join.analyzeCondition();
    if (info.leftKeys.isEmpty()) {
      throw unsupported("a join without an equality condition");
    }
    if (leftOuter && !info.nonEquiConditions.isEmpty()) {
      throw unsupported("a LEFT join with conditions other than equalities");
    }
    // A left outer join probes with every left row, so that each is kept once.
    boolean buildLeft = !leftOuter && left.rowCount() < right.rowCount();
    Relation build = buildLeft ? left : right;
    Relation probe = buildLeft ? right : left;
    List<Integer> buildFields = buildLeft ? info.leftKeys : info.rightKeys;
    List<Integer> probeFields = buildLeft ? info.rightKeys : info.leftKeys;
    List<Column> buildKeys = new ArrayList<>();
    List<Column> probeKeys = new ArrayList<>();
    for (int k = 0; k < buildFields.size(); k++) {
      buildKeys.add(build.column(buildFields.get(k)));
      probeKeys.add(probe.column(probeFields.get(k)));
    }

    KeyReader[] buildReaders = KeyReader.forGrouping(buildKeys, build.rowCount());
    KeyReader[] probeReaders = KeyReader.forProbe(probeKeys, buildReaders, buildKeys, context);
    HashedBuild hashed = hashBuild(buildKeys, buildReaders, build.rowCount(), context);
    int[][] pairs = probe(hashed, probeReaders, probe.rowCount(), leftOuter, context);
    int[] probeRows = pairs[0];
    int[] buildRows = pairs[1];
    int count = pairs[2][0];
    int[] leftRows = buildLeft ? buildRows : probeRows;
    int[] rightRows = buildLeft ? probeRows : buildRows;

    List<Supplier<Column>> columns = new ArrayList<>();
    List<Relation.Pick> picks = new ArrayList<>();
    Picking.add(left, Picking.Rows.of(leftRows, count, false), context, columns, picks);
    Picking.add(right, Picking.Rows.of(rightRows, count, leftOuter), context, columns, picks);
    Relation joined = new Relation(count, columns, null, picks);
    if (info.nonEquiConditions.isEmpty()) {
      return joined;
    }
    RexNode residual =
        RexUtil.composeConjunction(join.getCluster().getRexBuilder(), info.nonEquiConditions);
    return FilterOperator.filter(residual, joined, join.getRowType(), context, evaluator);
  }

  /** The build side grouped by key: rows of key k are rows[offsets[k] .. offsets[k + 1]). */
  private record HashedBuild(
      KeyTable table,
      int[] directCodes,
      int[] offsets,
      int[] rows,
      boolean uniqueKeys,
      int width) {}

  private static HashedBuild hashBuild(
      List<Column> keys, KeyReader[] readers, int rowCount, QueryContext context) {
    QueryMemory memory = context.memory();
    int[] keyOfRow = memory.ints(rowCount);
    int keyCount;
    KeyTable table = null;
    boolean direct = readers.length == 1 && keys.get(0) instanceof DictionaryColumn;
    int width = readers.length + (GroupIds.hasNullableWords(readers) ? 1 : 0);
    if (direct) {
      DictionaryColumn column = (DictionaryColumn) keys.get(0);
      keyCount = column.dictionary().size();
      int[] codes = column.codes();
      System.arraycopy(codes, 0, keyOfRow, 0, rowCount);
    } else {
      table = new KeyTable(width, rowCount, memory);
      long[] key = new long[width];
      boolean withNullMask = width > readers.length;
      for (int i = 0; i < rowCount; i++) {
        if (joinsNothing(readers, i)) {
          keyOfRow[i] = -1;
          continue;
        }
        long[] filled = GroupIds.fill(readers, key, i, withNullMask);
        keyOfRow[i] = table.findOrInsert(filled, KeyTable.hash(filled), i);
      }
      keyCount = table.size();
    }
    int[] offsets = memory.ints(keyCount + 1);
    for (int i = 0; i < rowCount; i++) {
      int key = keyOfRow[i];
      if (key >= 0) {
        offsets[key + 1]++;
      }
    }
    boolean unique = true;
    for (int k = 0; k < keyCount; k++) {
      unique &= offsets[k + 1] <= 1;
      offsets[k + 1] += offsets[k];
    }
    int[] rows = memory.ints(offsets[keyCount]);
    int[] next = memory.ints(keyCount);
    System.arraycopy(offsets, 0, next, 0, keyCount);
    for (int i = 0; i < rowCount; i++) {
      int key = keyOfRow[i];
      if (key >= 0) {
        rows[next[key]++] = i;
      }
    }
    return new HashedBuild(table, direct ? new int[0] : null, offsets, rows, unique, width);
  }

  private static boolean joinsNothing(KeyReader[] readers, int row) {
    for (KeyReader reader : readers) {
      if (reader.joinsNothing(row)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Matching (probe row, build row) pairs in probe order; element [2][0] is their count. With
   * {@code keepUnmatched}, a probe row without a match is paired once with build row -1.
   */
  private static int[][] probe(
      HashedBuild build,
      KeyReader[] readers,
      int rowCount,
      boolean keepUnmatched,
      QueryContext context) {
    int parts = rowCount < 16_384 ? 1 : context.parallelism();
    IntList[] probeRows = new IntList[parts];
    IntList[] buildRows = new IntList[parts];
    boolean direct = build.directCodes() != null;
    boolean withNullMask = build.width() > readers.length;
    KeyReader.TranslatedKey translated = direct ? (KeyReader.TranslatedKey) readers[0] : null;
    int[] directCodes = direct ? translated.codes() : null;
    int[] translation = direct ? translated.translation() : null;
    // Unique build keys joined through dictionary codes: the build row of every probe code, so
    // that a probe row costs one random read instead of three.
    int[] buildRowOfCode =
        direct && build.uniqueKeys() ? buildRowOfCode(build, translation, context) : null;
    context.parallel(
        part -> {
          if (part >= parts) {
            return;
          }
          int from = Workers.split(rowCount, parts, part);
          int to = Workers.split(rowCount, parts, part + 1);
          // With unique build keys a probe row matches at most once: no growth.
          IntList probeOut = new IntList(to - from, context.memory());
          IntList buildOut = new IntList(to - from, context.memory());
          int[] keys = new int[BATCH];
          long[] key = new long[build.width()];
          int[] offsets = build.offsets();
          int[] rows = build.rows();
          if (buildRowOfCode != null) {
            // At most one match a row, so the lists' capacity suffices: every row is written, and
            // counted when it matches (or is kept unmatched), without a branch on the match.
            int[] probeValues = probeOut.values();
            int[] buildValues = buildOut.values();
            int keepAll = keepUnmatched ? 1 : 0;
            int n = 0;
            for (int i = from; i < to; i++) {
              int code = directCodes[i];
              int buildRow = code < 0 ? -1 : buildRowOfCode[code];
              probeValues[n] = i;
              buildValues[n] = buildRow;
              n += keepAll | (~buildRow >>> 31);
            }
            probeOut.filled(n);
            buildOut.filled(n);
            probeRows[part] = probeOut;
            buildRows[part] = buildOut;
            return;
          }
          for (int start = from; start < to; start += BATCH) {
            int end = Math.min(to, start + BATCH);
            // First the key of every row of the batch, then the matches: the misses overlap.
            if (directCodes != null) {
              for (int i = start; i < end; i++) {
                int code = directCodes[i];
                keys[i - start] = code < 0 ? -1 : translation == null ? code : translation[code];
              }
            } else {
              for (int i = start; i < end; i++) {
                if (joinsNothing(readers, i)) {
                  keys[i - start] = -1;
                } else {
                  long[] filled = GroupIds.fill(readers, key, i, withNullMask);
                  keys[i - start] = build.table().find(filled, KeyTable.hash(filled));
                }
              }
            }
            if (build.uniqueKeys()) {
              for (int i = start; i < end; i++) {
                int k = keys[i - start];
                if (k >= 0 && offsets[k] < offsets[k + 1]) {
                  probeOut.add(i);
                  buildOut.add(rows[offsets[k]]);
                } else if (keepUnmatched) {
                  probeOut.add(i);
                  buildOut.add(-1);
                }
              }
            } else {
              for (int i = start; i < end; i++) {
                int k = keys[i - start];
                if (k < 0 || offsets[k] == offsets[k + 1]) {
                  if (keepUnmatched) {
                    probeOut.add(i);
                    buildOut.add(-1);
                  }
                  continue;
                }
                for (int m = offsets[k]; m < offsets[k + 1]; m++) {
                  probeOut.add(i);
                  buildOut.add(rows[m]);
                }
              }
            }
          }
          probeRows[part] = probeOut;
          buildRows[part] = buildOut;
        });
    long total = 0;
    for (IntList list : probeRows) {
      total += list.size();
    }
    if (total > Integer.MAX_VALUE - 16) {
      throw new ExecutionException(
          ExecutionErrorCode.ROW_LIMIT_EXCEEDED, "a join result has too many rows");
    }
    int count = (int) total;
    if (parts == 1) {
      return new int[][] {probeRows[0].values(), buildRows[0].values(), {count}};
    }
    int[] allProbe = context.memory().ints(count);
    int[] allBuild = context.memory().ints(count);
    int offset = 0;
    for (int part = 0; part < parts; part++) {
      System.arraycopy(probeRows[part].values(), 0, allProbe, offset, probeRows[part].size());
      System.arraycopy(buildRows[part].values(), 0, allBuild, offset, buildRows[part].size());
      offset += probeRows[part].size();
    }
    return new int[][] {allProbe, allBuild, {count}};
  }

  /** For each code of the probe's dictionary, the build row with that key, or -1. */
  private static int[] buildRowOfCode(HashedBuild build, int[] translation, QueryContext context) {
    int[] offsets = build.offsets();
    int[] rows = build.rows();
    int codeCount = translation != null ? translation.length : offsets.length - 1;
    int[] buildRowOfCode = context.memory().ints(codeCount);
    context.parallelRanges(
        codeCount,
        (part, from, to) -> {
          for (int code = from; code < to; code++) {
            int key = translation == null ? code : translation[code];
            buildRowOfCode[code] =
                key >= 0 && offsets[key] < offsets[key + 1] ? rows[offsets[key]] : -1;
          }
        });
    return buildRowOfCode;
  }

  private static ExecutionException unsupported(String what) {
    return new ExecutionException(
        ExecutionErrorCode.UNSUPPORTED_PLAN, what + " is not supported by the executor");
  }
}
