package dev.cleanroom.server.dataset;

import dev.cleanroom.connectors.crypto.KeyedHash;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.querypolicy.policy.ColumnClass;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.server.LibraryProducers;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keyed fingerprints of the people named in erasure receipts: {@link KeyedHash} (HMAC-SHA256) under
 * the server's subject key of a label, the dataset's id and the person's identifier in the form its
 * privacy unit column holds. The metadata database stores only the fingerprint, and the key is not
 * in it, so a copy of the database cannot test guessed identifiers; one dataset's fingerprint of a
 * person does not match another dataset's.
 */
@Singleton
public class SubjectFingerprints {
  private static final String LABEL = "cleanroom/v1/subject";

  private final byte[] key;

  @Inject
  public SubjectFingerprints(
      @ConfigProperty(name = "cleanroom.data-dir") String dataDir,
      @ConfigProperty(name = "cleanroom.subject-key") Optional<String> configured) {
    this(LibraryProducers.subjectKeyBytes(dataDir, configured));
  }

  SubjectFingerprints(byte[] key) {
    this.key = key.clone();
  }

  /**
   * The fingerprint of {@code identifier} (in its canonical form) in one dataset, 64 hex digits.
   */
  public String fingerprint(Dataset dataset, String canonicalIdentifier) {
    return KeyedHash.hex(key, LABEL, Long.toString(dataset.id()), canonicalIdentifier);
  }

  /**
   * The column whose value says whose a row is: the policy's privacy unit column, else a join key
   * that links to another table's privacy unit ({@code linksToUnitOf}, as a purchases table's
   * customer id); empty when the policy has neither, or names a column the dataset lacks.
   */
  public static Optional<String> subjectColumn(Dataset dataset, DatasetPolicy policy) {
    Optional<String> unit =
        policy.columns().stream()
            .filter(column -> column.columnClass() == ColumnClass.PRIVACY_UNIT)
            .map(ColumnPolicy::name)
            .findFirst();
    Optional<String> column =
        unit.or(
            () ->
                policy.columns().stream()
                    .filter(c -> c.columnClass() == ColumnClass.JOIN_KEY)
                    .filter(c -> c.linksToUnitOf() != null)
                    .map(ColumnPolicy::name)
                    .findFirst());
    return column.filter(name -> dataset.schema().indexOf(name).isPresent());
  }

  /**
   * The identifier as the dataset's column {@code unitColumn} holds it: an integer's decimal form
   * for a BIGINT or INTEGER column ({@code 0042} is {@code 42}), the text as given otherwise; empty
   * when no value of the column can be it (a non-integer for an integer column).
   */
  public static Optional<String> canonical(Dataset dataset, String unitColumn, String identifier) {
    DatasetSchema schema = dataset.schema();
    int column = schema.indexOf(unitColumn).orElseThrow();
    return switch (schema.column(column).type().kind()) {
      case BIGINT, INTEGER -> {
        try {
          yield Optional.of(Long.toString(Long.parseLong(identifier)));
        } catch (NumberFormatException e) {
          yield Optional.empty();
        }
      }
      default -> Optional.of(identifier);
    };
  }
}
