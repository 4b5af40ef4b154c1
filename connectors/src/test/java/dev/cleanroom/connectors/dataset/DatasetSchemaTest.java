package dev.cleanroom.connectors.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.TestDatasets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetSchemaTest {
  @Test
  void columnDeclaredTwice_isRefused() {
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () ->
                DatasetSchema.of(
                    ColumnDefinition.of("id", "BIGINT"), ColumnDefinition.of("id", "VARCHAR")));
    assertEquals(ConnectorErrorCode.DUPLICATE_COLUMN, e.code());
    assertEquals("column 'id' is declared twice", e.getMessage());
  }

  @Test
  void upperCaseOrSpacedName_isRefused() {
    assertThrows(ConnectorException.class, () -> ColumnDefinition.of("Email", "VARCHAR"));
    assertThrows(ConnectorException.class, () -> ColumnDefinition.of("e mail", "VARCHAR"));
  }

  @Test
  void noColumns_isRefused() {
    assertThrows(ConnectorException.class, () -> new DatasetSchema(List.of()));
  }

  @Test
  void arrowSchema_roundTripsToTheDeclaration() {
    DatasetSchema schema = TestDatasets.customers();
    assertEquals(schema, DatasetSchema.fromArrow(schema.arrowSchema()));
  }

  @Test
  void rulesNamingUndeclaredColumn_areRefused() {
    IngestRules rules = new IngestRules(Set.of("nobody"), Set.of(), Set.of(), Set.of(), 1000);
    ConnectorException e =
        assertThrows(
            ConnectorException.class, () -> rules.validateAgainst(TestDatasets.customers()));
    assertEquals(ConnectorErrorCode.INVALID_RULES, e.code());
  }

  @Test
  void fingerprintRuleOnNonVarchar_isRefused() {
    IngestRules rules = new IngestRules(Set.of(), Set.of(), Set.of("customer_id"), Set.of(), 1000);
    assertThrows(ConnectorException.class, () -> rules.validateAgainst(TestDatasets.customers()));
  }

  @Test
  void nonPositiveUploadLimit_isRefused() {
    assertThrows(
        ConnectorException.class, () -> new IngestRules(Set.of(), Set.of(), Set.of(), Set.of(), 0));
  }
}
