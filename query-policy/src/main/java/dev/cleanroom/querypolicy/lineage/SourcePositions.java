package dev.cleanroom.querypolicy.lineage;

/** Where in the SQL text a column or table is named, so violations can point at it. */
public interface SourcePositions {

  /** A 1-based line and column. */
  record Position(int line, int column) {
    public static final Position START = new Position(1, 1);

    public Position {
      if (line < 1 || column < 1) {
        throw new IllegalArgumentException("positions are 1-based");
      }
    }
  }

  /** The first place the SQL names this column (or, failing that, its table, or the start). */
  Position ofColumn(String table, String column);

  /** The first place the SQL names this table. */
  Position ofTable(String table);
}
