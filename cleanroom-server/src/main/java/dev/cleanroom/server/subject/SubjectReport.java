package dev.cleanroom.server.subject;

import dev.cleanroom.server.dataset.ErasureReceipts.ErasureReceipt;
import io.quarkus.qute.TemplateData;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * What a provider can tell one person about their data in one collaboration: which of its datasets
 * and versions held them, which queries read those versions (when, which analyst, for which
 * purpose, at what epsilon; never an answer), and the receipts of their erasures.
 *
 * @param identifier the identifier the provider looked up, as it gave it (the report is for that
 *     person)
 * @param datasets the provider's datasets that were searched, in name order
 * @param notSearched the provider's datasets that could not be searched, and why
 */
@TemplateData
public record SubjectReport(
    String collaboration,
    String provider,
    String identifier,
    Instant generatedAt,
    List<DatasetFindings> datasets,
    List<NotSearched> notSearched) {

  public SubjectReport {
    datasets = List.copyOf(datasets);
    notSearched = List.copyOf(notSearched);
  }

  /** Whether any searched dataset holds the person in its current version. */
  public boolean heldNow() {
    return datasets.stream().anyMatch(DatasetFindings::heldNow);
  }

  /** The searched datasets that hold the person in their current version. */
  public List<String> heldNowTables() {
    return datasets.stream().filter(DatasetFindings::heldNow).map(DatasetFindings::table).toList();
  }

  /**
   * One dataset searched for the person.
   *
   * @param table {@code member.dataset}
   * @param unitColumn the privacy unit column the identifier was matched against
   * @param heldNow whether the current version holds the person
   * @param versions every data version, oldest first
   * @param erasures the receipts of the person's erasures from it, oldest first
   * @param queries the queries that read a version holding the person, oldest first
   */
  @TemplateData
  public record DatasetFindings(
      String table,
      String unitColumn,
      boolean heldNow,
      List<VersionFinding> versions,
      List<ErasureReceipt> erasures,
      List<QueryRead> queries) {
    public DatasetFindings {
      versions = List.copyOf(versions);
      erasures = List.copyOf(erasures);
      queries = List.copyOf(queries);
    }
  }

  /**
   * One data version and whether it held the person.
   *
   * @param reason {@code UPLOAD} or {@code ERASURE}
   * @param held {@code true} or {@code false} for a stored version (searched); for a removed one
   *     {@code true} when an erasure of this person removed it, else {@code null} (unknown: its
   *     files are gone)
   * @param rows the person's rows in a stored version, else {@code null}
   * @param removedAt when its files were removed, else {@code null}
   */
  @TemplateData
  public record VersionFinding(
      int version, String reason, Instant createdAt, Boolean held, Long rows, Instant removedAt) {}

  /**
   * A query that read a version holding the person, as the audit log records it. Reading a version
   * is not using the person's rows: a filter, the consent columns or the query's shape may have
   * left them out; and what the query released is a noisy aggregate, never shown here.
   *
   * @param outcome {@code ANSWERED}, {@code ANSWERED_FROM_CACHE} (released again, no new budget) or
   *     {@code FAILED}
   * @param purpose the purpose the query declared, else {@code null}
   * @param template the approved template it ran ({@code name@version}), else {@code null}
   * @param epsilon the privacy budget it spent
   * @param version the version of this dataset it read
   */
  @TemplateData
  public record QueryRead(
      Instant at,
      String analyst,
      String queryId,
      String outcome,
      String purpose,
      String template,
      BigDecimal epsilon,
      int version) {}

  /** A dataset of the provider's that was not searched, and a sentence saying why. */
  @TemplateData
  public record NotSearched(String table, String reason) {}
}
