package dev.cleanroom.querypolicy.analysis;

import dev.cleanroom.querypolicy.lineage.SourcePositions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * Positions of names in the parsed SQL, in text order. A column hidden behind an alias still has
 * its first mention somewhere in the text, and that is where a violation points.
 */
final class SqlSourcePositions implements SourcePositions {
  private record Mention(List<String> names, SqlParserPos position) {}

  private final List<Mention> mentions = new ArrayList<>();

  SqlSourcePositions(SqlNode statement) {
    statement.accept(
        new SqlBasicVisitor<Void>() {
          @Override
          public Void visit(SqlIdentifier identifier) {
            List<String> names = new ArrayList<>();
            for (String name : identifier.names) {
              names.add(name.toLowerCase(Locale.ROOT));
            }
            mentions.add(new Mention(names, identifier.getParserPosition()));
            return null;
          }

          @Override
          public Void visit(SqlCall call) {
            mentions.add(
                new Mention(
                    List.of(call.getOperator().getName().toLowerCase(Locale.ROOT)),
                    call.getParserPosition()));
            return super.visit(call);
          }
        });
    mentions.sort(
        (a, b) ->
            a.position().getLineNum() != b.position().getLineNum()
                ? Integer.compare(a.position().getLineNum(), b.position().getLineNum())
                : Integer.compare(a.position().getColumnNum(), b.position().getColumnNum()));
  }

  @Override
  public Position ofColumn(String table, String column) {
    String wanted = column.toLowerCase(Locale.ROOT);
    for (Mention mention : mentions) {
      if (!mention.names().isEmpty()
          && mention.names().get(mention.names().size() - 1).equals(wanted)) {
        return position(mention.position());
      }
    }
    for (Mention mention : mentions) {
      // SELECT * reads every column without naming it.
      if (!mention.names().isEmpty() && mention.names().get(mention.names().size() - 1).isEmpty()) {
        return position(mention.position());
      }
    }
    return table == null ? Position.START : ofTable(table);
  }

  @Override
  public Position ofTable(String table) {
    String wanted = table.toLowerCase(Locale.ROOT);
    for (Mention mention : mentions) {
      if (String.join(".", mention.names()).equals(wanted)) {
        return position(mention.position());
      }
    }
    return Position.START;
  }

  private static Position position(SqlParserPos position) {
    return position.getLineNum() < 1 || position.getColumnNum() < 1
        ? Position.START
        : new Position(position.getLineNum(), position.getColumnNum());
  }
}
