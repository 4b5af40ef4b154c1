package dev.cleanroom.server.subject;

import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.server.audit.AuditEntry;
import dev.cleanroom.server.audit.AuditEvent;
import dev.cleanroom.server.audit.AuditLog;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.dataset.ApprovedPolicies;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.dataset.DatasetCatalog;
import dev.cleanroom.server.dataset.DatasetCatalog.DataVersionView;
import dev.cleanroom.server.dataset.ErasureReceipts;
import dev.cleanroom.server.dataset.ErasureReceipts.ErasureReceipt;
import dev.cleanroom.server.dataset.SubjectFingerprints;
import dev.cleanroom.server.subject.SubjectReport.DatasetFindings;
import dev.cleanroom.server.subject.SubjectReport.NotSearched;
import dev.cleanroom.server.subject.SubjectReport.QueryRead;
import dev.cleanroom.server.subject.SubjectReport.VersionFinding;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Looks up one person in a provider's own datasets of one collaboration: every stored version is
 * searched for the identifier in the privacy unit column (decrypted in memory, counted, nothing
 * kept); removed versions are known to have held the person from the erasure receipts; the queries
 * that read a holding version come from the audit log. Only the datasets' owner may ask, and the
 * lookup is audited without the identifier.
 */
@ApplicationScoped
public class SubjectLookups {
  private static final Pattern DATA_VERSIONS = Pattern.compile("(?:^| )data=\\{([^}]*)\\}");
  private static final Pattern QUERY_ID = Pattern.compile("(?:^| )queryId=(\\S+)");
  private static final Pattern PURPOSE = Pattern.compile("(?:^| )purpose=(\\S+)");
  private static final Pattern TEMPLATE = Pattern.compile("(?:^| )template=(\\S+)");

  private final DatasetCatalog catalog;
  private final ApprovedPolicies policies;
  private final DatasetStore store;
  private final BufferAllocator root;
  private final SubjectFingerprints fingerprints;
  private final ErasureReceipts receipts;
  private final AuditLog audit;
  private final Clock clock;

  @Inject
  public SubjectLookups(
      DatasetCatalog catalog,
      ApprovedPolicies policies,
      DatasetStore store,
      BufferAllocator root,
      SubjectFingerprints fingerprints,
      ErasureReceipts receipts,
      AuditLog audit,
      Clock clock) {
    this.catalog = catalog;
    this.policies = policies;
    this.store = store;
    this.root = root;
    this.fingerprints = fingerprints;
    this.receipts = receipts;
    this.audit = audit;
    this.clock = clock;
  }

  /** The report on {@code identifier} over the datasets {@code provider} owns. */
  public SubjectReport lookup(Caller provider, String identifier) {
    List<DatasetFindings> searched = new ArrayList<>();
    List<NotSearched> notSearched = new ArrayList<>();
    for (Dataset dataset : catalog.list(provider.collaborationId())) {
      if (dataset.ownerId() != provider.memberId()) {
        continue;
      }
      Optional<String> unit = unitColumn(dataset, policies.current(dataset));
      if (unit.isEmpty()) {
        notSearched.add(
            new NotSearched(
                dataset.table(),
                "no approved policy names a privacy unit column of this dataset, or a join key"
                    + " linked to one, so no column says whose a row is"));
        continue;
      }
      Optional<String> canonical = SubjectFingerprints.canonical(dataset, unit.get(), identifier);
      if (canonical.isEmpty()) {
        notSearched.add(
            new NotSearched(
                dataset.table(),
                "the identifier is not an integer, so no row of the integer column '"
                    + unit.get()
                    + "' can hold it"));
        continue;
      }
      searched.add(search(provider, dataset, unit.get(), canonical.get()));
    }
    searched.sort(Comparator.comparing(DatasetFindings::table));
    notSearched.sort(Comparator.comparing(NotSearched::table));
    audit.append(
        provider.collaborationId(),
        AuditEntry.success(
            provider.member(),
            "SUBJECT_LOOKUP",
            searched.stream().map(DatasetFindings::table).toList(),
            "datasets=" + searched.size() + " notSearched=" + notSearched.size()));
    return new SubjectReport(
        provider.collaboration(),
        provider.member(),
        identifier,
        clock.instant(),
        searched,
        notSearched);
  }

  private DatasetFindings search(
      Caller provider, Dataset dataset, String unitColumn, String canonical) {
    List<ErasureReceipt> erasures =
        receipts.of(dataset, fingerprints.fingerprint(dataset, canonical));
    Set<Integer> removedByErasure = new HashSet<>();
    erasures.forEach(receipt -> removedByErasure.addAll(receipt.versionsRemoved()));
    Set<Long> stored = new HashSet<>(store.versions(dataset.storageId()));
    List<VersionFinding> versions = new ArrayList<>();
    Set<Integer> holding = new HashSet<>();
    List<DataVersionView> recorded = new ArrayList<>(catalog.versions(dataset));
    recorded.sort(Comparator.comparingInt(DataVersionView::version));
    for (DataVersionView version : recorded) {
      Boolean held;
      Long rows = null;
      if (version.removedAt() == null && stored.contains((long) version.version())) {
        rows = store.unitRows(dataset.storageId(), version.version(), unitColumn, canonical, root);
        held = rows > 0;
      } else {
        held = removedByErasure.contains(version.version()) ? Boolean.TRUE : null;
      }
      if (Boolean.TRUE.equals(held)) {
        holding.add(version.version());
      }
      versions.add(
          new VersionFinding(
              version.version(),
              version.reason(),
              version.createdAt(),
              held,
              rows,
              version.removedAt()));
    }
    boolean heldNow =
        dataset.currentVersion() != null && holding.contains(dataset.currentVersion());
    List<QueryRead> queries = new ArrayList<>();
    for (AuditEvent event : audit.queriesReading(provider.collaborationId(), dataset.table())) {
      versionRead(event.detail(), dataset.table())
          .filter(holding::contains)
          .ifPresent(version -> queries.add(toQueryRead(event, version)));
    }
    return new DatasetFindings(dataset.table(), unitColumn, heldNow, versions, erasures, queries);
  }

  private static Optional<String> unitColumn(Dataset dataset, Optional<DatasetPolicy> policy) {
    return policy.flatMap(p -> SubjectFingerprints.subjectColumn(dataset, p));
  }

  /**
   * The version of {@code table} an audited query read, from its {@code data={a=1, b=2}} part (the
   * form {@code ReadVersions} writes).
   */
  static Optional<Integer> versionRead(String detail, String table) {
    Matcher data = DATA_VERSIONS.matcher(detail);
    if (!data.find()) {
      return Optional.empty();
    }
    for (String entry : data.group(1).split(", ")) {
      int equals = entry.lastIndexOf('=');
      if (equals > 0 && entry.substring(0, equals).equals(table)) {
        try {
          return Optional.of(Integer.parseInt(entry.substring(equals + 1)));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static QueryRead toQueryRead(AuditEvent event, int version) {
    String detail = event.detail();
    String outcome =
        switch (event.action()) {
          case "QUERY_FAILED" -> "FAILED";
          default -> detail.contains("cached=true") ? "ANSWERED_FROM_CACHE" : "ANSWERED";
        };
    String purpose = token(PURPOSE, detail);
    return new QueryRead(
        event.time(),
        event.actor(),
        token(QUERY_ID, detail),
        outcome,
        "none".equals(purpose) ? null : purpose,
        token(TEMPLATE, detail),
        epsilonOf(event),
        version);
  }

  private static BigDecimal epsilonOf(AuditEvent event) {
    if (event.epsilon() == null) {
      return BigDecimal.ZERO;
    }
    BigDecimal epsilon = event.epsilon().stripTrailingZeros();
    return epsilon.scale() < 0 ? epsilon.setScale(0) : epsilon;
  }

  private static String token(Pattern pattern, String detail) {
    Matcher matcher = pattern.matcher(detail);
    return matcher.find() ? matcher.group(1) : null;
  }
}
