package dev.cleanroom.querypolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyReferencesTest {
  private static final Set<String> CUSTOMER_COLUMNS =
      Set.of(
          "customer_id",
          "email",
          "email_hash",
          "zip",
          "age_band",
          "loyalty_tier",
          "lifetime_spend",
          "opted_out");
  private static final Set<String> IMPRESSION_COLUMNS =
      Set.of("impression_id", "email_hash", "campaign_id", "ts", "clicked", "cost");

  private static PolicyReferences demo() {
    return new PolicyReferences(
        Map.of(
            TestPolicies.CUSTOMERS, CUSTOMER_COLUMNS,
            TestPolicies.IMPRESSIONS, IMPRESSION_COLUMNS),
        Set.of("advertiser"));
  }

  @Test
  void demoPolicies_resolve() {
    assertEquals(List.of(), demo().problems(TestPolicies.customers()));
    assertEquals(List.of(), demo().problems(TestPolicies.impressions()));
  }

  @Test
  void joinToATableThatIsNoDataset_namesTheJoinAndTheTable() {
    PolicyReferences customersOnly =
        new PolicyReferences(
            Map.of(TestPolicies.CUSTOMERS, CUSTOMER_COLUMNS), Set.of("advertiser"));
    assertEquals(
        List.of(
            new PolicyJson.Problem(
                "$.allowedJoins[0].other",
                "allowed join on 'email_hash' names 'advertiser.impressions', which is not a"
                    + " dataset of this collaboration")),
        customersOnly.problems(TestPolicies.customers()));
  }

  @Test
  void joinToAColumnTheOtherTableDoesNotDeclare_namesTheColumn() {
    DatasetPolicy policy =
        withJoins(List.of(new AllowedJoin("email_hash", TestPolicies.IMPRESSIONS, "mail_hash")));
    assertEquals(
        List.of(
            new PolicyJson.Problem(
                "$.allowedJoins[0].otherColumn",
                "allowed join on 'email_hash' names column 'mail_hash', which"
                    + " 'advertiser.impressions' does not declare")),
        demo().problems(policy));
  }

  @Test
  void unitLinkToATableThatIsNoDataset_namesTheKeyAndTheTable() {
    PolicyReferences impressionsOnly =
        new PolicyReferences(
            Map.of(TestPolicies.IMPRESSIONS, IMPRESSION_COLUMNS), Set.of("advertiser"));
    assertEquals(
        List.of(
            new PolicyJson.Problem(
                "$.columns[0].linksToUnitOf",
                "join key 'email_hash' links to the unit of 'retailer.customers', which is not a"
                    + " dataset of this collaboration"),
            new PolicyJson.Problem(
                "$.allowedJoins[0].other",
                "allowed join on 'email_hash' names 'retailer.customers', which is not a dataset"
                    + " of this collaboration")),
        impressionsOnly.problems(TestPolicies.impressions()));
  }

  @Test
  void analystsWithoutTheRole_namedAtTheirPlaceInTheList() {
    DatasetPolicy customers = TestPolicies.customers();
    DatasetPolicy policy =
        new DatasetPolicy(
            customers.table(),
            customers.columns(),
            customers.allowedJoins(),
            customers.minimumDistinctUnits(),
            customers.privacy(),
            new LinkedHashSet<>(List.of("advertiser", "nobody", "retailer")));
    assertEquals(
        List.of(
            new PolicyJson.Problem(
                "$.allowedAnalysts[1]",
                "allowed analyst 'nobody' is not a member of this collaboration with the ANALYST"
                    + " role"),
            new PolicyJson.Problem(
                "$.allowedAnalysts[2]",
                "allowed analyst 'retailer' is not a member of this collaboration with the ANALYST"
                    + " role")),
        demo().problems(policy));
  }

  private static DatasetPolicy withJoins(List<AllowedJoin> joins) {
    DatasetPolicy customers = TestPolicies.customers();
    return new DatasetPolicy(
        customers.table(),
        customers.columns(),
        joins,
        customers.minimumDistinctUnits(),
        customers.privacy(),
        customers.allowedAnalysts());
  }
}
