package dev.cleanroom.server.demo;

import dev.cleanroom.connectors.crypto.Fingerprinter;
import dev.cleanroom.connectors.crypto.SharedSecret;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.collaboration.CollaborationRequests.CreateCollaboration;
import dev.cleanroom.server.collaboration.CollaborationRequests.NewMember;
import dev.cleanroom.server.collaboration.Collaborations;
import dev.cleanroom.server.dataset.DataUploads;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.dataset.DatasetCatalog;
import dev.cleanroom.server.dataset.DatasetDeclaration;
import dev.cleanroom.server.demodata.DemoArrow;
import dev.cleanroom.server.demodata.DemoTables;
import dev.cleanroom.server.policy.Policies;
import dev.cleanroom.server.policy.PolicyVersion;
import dev.cleanroom.server.template.TemplateParameter;
import dev.cleanroom.server.template.TemplateRequests.NewTemplate;
import dev.cleanroom.server.template.Templates;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Loads DESIGN.md's demo clean room when the {@code demo} profile runs: collaboration {@code demo}
 * with its well-known keys, the demo policies (approved) and the three seeded datasets (the
 * retailer's customers and purchases, the advertiser's impressions), their join keys fingerprinted
 * under a demo secret as the retailer's client tool would.
 */
@ApplicationScoped
public class DemoLoader {
  private static final Logger LOG = Logger.getLogger(DemoLoader.class);

  public static final String COLLABORATION = "demo";

  /** Stands for the secret the demo's members share out of band; the server never needs it. */
  public static final String DEMO_SHARED_SECRET = "demo-shared-secret-not-for-production";

  private final boolean enabled;
  private final int customers;
  private final int impressions;
  private final int purchases;
  private final String dataDir;
  private final Collaborations collaborations;
  private final DatasetCatalog catalog;
  private final DataUploads uploads;
  private final Policies policies;
  private final BufferAllocator root;
  private final Templates templates;

  @Inject
  public DemoLoader(
      @ConfigProperty(name = "cleanroom.demo.enabled") boolean enabled,
      @ConfigProperty(name = "cleanroom.demo.customers", defaultValue = "10000") int customers,
      @ConfigProperty(name = "cleanroom.demo.impressions", defaultValue = "100000") int impressions,
      @ConfigProperty(name = "cleanroom.demo.purchases", defaultValue = "50000") int purchases,
      @ConfigProperty(name = "cleanroom.data-dir") String dataDir,
      Collaborations collaborations,
      DatasetCatalog catalog,
      DataUploads uploads,
      Policies policies,
      BufferAllocator root,
      Templates templates) {
    this.enabled = enabled;
    this.customers = customers;
    this.impressions = impressions;
    this.purchases = purchases;
    this.dataDir = dataDir;
    this.collaborations = collaborations;
    this.catalog = catalog;
    this.uploads = uploads;
    this.policies = policies;
    this.root = root;
    this.templates = templates;
  }

  /** The demo's approved template: what a campaign's audience bought, by category, since a day. */
  static final String TEMPLATE_NAME = "campaign_buyers_since";

  static final String TEMPLATE_SQL =
      "SELECT p.category, COUNT(DISTINCT c.customer_id) AS buyers"
          + " FROM advertiser.impressions i"
          + " JOIN retailer.customers c ON i.email_hash = c.email_hash"
          + " JOIN retailer.purchases p ON p.customer_id = c.customer_id"
          + " WHERE i.campaign_id = :campaign AND p.ts >= :since"
          + " GROUP BY p.category";

  void load(@Observes StartupEvent event) {
    if (!enabled) {
      return;
    }
    if (collaborations.idOf(COLLABORATION) != null) {
      LOG.info("event=demo_present collaboration=demo");
      return;
    }
    long started = System.nanoTime();
    collaborations.create(
        new CreateCollaboration(
            COLLABORATION,
            List.of(
                new NewMember("retailer", Set.of(Role.PROVIDER)),
                new NewMember("advertiser", Set.of(Role.PROVIDER, Role.ANALYST)),
                new NewMember("privacy", Set.of(Role.PRIVACY_OFFICER)))),
        "demo-loader",
        member -> "demo-" + member + "-key");
    long collaborationId = collaborations.idOf(COLLABORATION);
    Map<String, Long> members = collaborations.memberIds(collaborationId);
    Caller retailer = member(members, collaborationId, "retailer", Role.PROVIDER);
    Caller advertiser = member(members, collaborationId, "advertiser", Role.PROVIDER);
    Caller privacy = member(members, collaborationId, "privacy", Role.PRIVACY_OFFICER);

    Dataset customerTable =
        catalog.declare(
            retailer, new DatasetDeclaration("customers", DemoTables.columns(DemoArrow.CUSTOMERS)));
    Dataset impressionTable =
        catalog.declare(
            advertiser,
            new DatasetDeclaration("impressions", DemoTables.columns(DemoArrow.IMPRESSIONS)));
    Dataset purchaseTable =
        catalog.declare(
            retailer, new DatasetDeclaration("purchases", DemoTables.columns(DemoArrow.PURCHASES)));
    approve(customerTable, privacy, "retailer.customers");
    approve(impressionTable, privacy, "advertiser.impressions");
    approve(purchaseTable, privacy, "retailer.purchases");

    DemoTables tables =
        DemoTables.generate(
            Fingerprinter.create(SharedSecret.fromText(DEMO_SHARED_SECRET), COLLABORATION, "email"),
            customers,
            impressions,
            purchases);
    upload(
        retailer,
        catalog.require(collaborationId, "customers"),
        out -> DemoArrow.writeCustomers(tables.customers(), out, root));
    upload(
        advertiser,
        catalog.require(collaborationId, "impressions"),
        out -> DemoArrow.writeImpressions(tables.impressions(), out, root));
    upload(
        retailer,
        catalog.require(collaborationId, "purchases"),
        out -> DemoArrow.writePurchases(tables.purchases(), out, root));
    // One template, proposed by the advertiser and approved by the privacy officer.
    templates.propose(
        member(members, collaborationId, "advertiser", Role.ANALYST),
        new NewTemplate(
            TEMPLATE_NAME,
            "Buyers per category among the people a campaign reached, since a day",
            TEMPLATE_SQL,
            List.of(
                new TemplateParameter("campaign", TemplateParameter.Type.STRING),
                new TemplateParameter("since", TemplateParameter.Type.DATE)),
            "measurement",
            new java.math.BigDecimal("0.25"),
            // Its own budget line: 20 runs in all, whoever runs them.
            new java.math.BigDecimal("5"),
            List.of("advertiser")));
    templates.approve(privacy, TEMPLATE_NAME, 1);
    LOG.infof(
        "event=demo_loaded customers=%d impressions=%d purchases=%d millis=%d",
        customers, impressions, purchases, (System.nanoTime() - started) / 1_000_000);
  }

  private void approve(Dataset dataset, Caller privacy, String table) {
    PolicyVersion draft = policies.propose(dataset, privacy, DemoTables.policyJson(table));
    policies.approve(dataset, draft.version(), privacy, true);
  }

  /**
   * Writes an Arrow IPC stream to a temporary file in the data directory, then uploads it as its
   * owner would.
   */
  private void upload(Caller owner, Dataset dataset, ArrowContent content) {
    Path file = null;
    try {
      Path directory = Files.createDirectories(Path.of(dataDir, "tmp"));
      file = Files.createTempFile(directory, "demo-", ".arrows");
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
        content.write(out);
      }
      try (InputStream in = Files.newInputStream(file)) {
        uploads.upload(owner, dataset, in, "application/vnd.apache.arrow.stream");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo data", e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          LOG.warn("event=demo_temp_file_not_deleted");
        }
      }
    }
  }

  @FunctionalInterface
  private interface ArrowContent {
    void write(OutputStream out) throws IOException;
  }

  private static Caller member(
      Map<String, Long> members, long collaborationId, String name, Role role) {
    return Caller.member(members.get(name), name, collaborationId, COLLABORATION, Set.of(role));
  }
}
