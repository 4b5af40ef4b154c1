package dev.cleanroom.querypolicy.rewrite;

import dev.cleanroom.querypolicy.lineage.BaseColumn;
import dev.cleanroom.querypolicy.lineage.CheckedQuery;
import dev.cleanroom.querypolicy.lineage.DerivedTranslator;
import dev.cleanroom.querypolicy.lineage.Measure;
import dev.cleanroom.querypolicy.lineage.Scan;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.release.ColumnRole;
import dev.cleanroom.querypolicy.release.DerivedExpression;
import dev.cleanroom.querypolicy.release.OrderKey;
import dev.cleanroom.querypolicy.release.PostProcessing;
import dev.cleanroom.querypolicy.release.QuantileHistogram;
import dev.cleanroom.querypolicy.release.QueryPrivacyParameters;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.release.ReleaseOptions;
import dev.cleanroom.querypolicy.release.ReleaseRule;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.querypolicy.release.SpreadStatistic;
import dev.cleanroom.spi.TableName;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.tools.RelBuilder;

/**
 * Turns a checked query into its {@link PrivateQuery}: consent filters, per-unit pre-aggregation,
 * clamping, keyed choice of each unit's groups, and the exact per-group aggregates.
 */
public final class PrivateRewriter {
  private static final ContributionKey DISPLAY_KEY = ContributionKey.of(new byte[16]);

  private PrivateRewriter() {}

  /** Rewrites a checked query with the default options. */
  public static PrivateQuery rewrite(
      CheckedQuery query, RelOptCluster cluster, ContributionKey key) {
    return rewrite(query, cluster, key, ReleaseOptions.DEFAULT);
  }

  /** Rewrites a checked query; the key only ever reaches {@link PrivateQuery#plan()}. */
  public static PrivateQuery rewrite(
      CheckedQuery query, RelOptCluster cluster, ContributionKey key, ReleaseOptions options) {
    QueryPrivacyParameters parameters = strictestParameters(query.flat().scans());
    int maxContributions = maxContributionsPerGroup(query.flat().scans());
    List<RexNode> arguments = new ArrayList<>();
    List<Partial> partials = new ArrayList<>();
    List<List<Integer>> partialsOfMeasure = new ArrayList<>();
    BigDecimal countUpper = BigDecimal.valueOf(maxContributions);
    Map<String, Integer> histograms = new HashMap<>();
    for (Measure measure : query.measures()) {
      List<Integer> indexes = new ArrayList<>();
      switch (measure.kind()) {
        case COUNT_ROWS -> {
          indexes.add(partials.size());
          partials.add(new Partial(Partial.Kind.COUNT_ROWS, -1, BigDecimal.ZERO, countUpper));
        }
        case COUNT_VALUES -> {
          arguments.add(measure.argument());
          indexes.add(partials.size());
          partials.add(
              new Partial(
                  Partial.Kind.COUNT_VALUES, arguments.size() - 1, BigDecimal.ZERO, countUpper));
        }
        case SUM, AVG -> {
          arguments.add(measure.argument());
          int argument = arguments.size() - 1;
          indexes.add(partials.size());
          partials.add(
              new Partial(
                  Partial.Kind.SUM, argument, measure.bounds().lower(), measure.bounds().upper()));
          if (measure.kind() == Measure.Kind.AVG) {
            indexes.add(partials.size());
            partials.add(
                new Partial(Partial.Kind.COUNT_VALUES, argument, BigDecimal.ZERO, countUpper));
          }
        }
        case CONDITIONAL_UNITS -> {
          // Each person's count of matching rows per group, clamped to [0, 1]: did they have one.
          arguments.add(measure.argument());
          indexes.add(partials.size());
          partials.add(
              new Partial(
                  Partial.Kind.COUNT_VALUES,
                  arguments.size() - 1,
                  BigDecimal.ZERO,
                  BigDecimal.ONE));
        }
        case VAR_POP, VAR_SAMP, STDDEV_POP, STDDEV_SAMP -> {
          // Three parts (SpreadStatistic): people with a value, and the sums of their centred
          // clamped totals and of those squared.
          arguments.add(measure.argument());
          int argument = arguments.size() - 1;
          BigDecimal lower = measure.bounds().lower();
          BigDecimal upper = measure.bounds().upper();
          indexes.add(partials.size());
          partials.add(
              new Partial(Partial.Kind.COUNT_VALUES, argument, BigDecimal.ZERO, BigDecimal.ONE));
          indexes.add(partials.size());
          partials.add(new Partial(Partial.Kind.CENTERED_SUM, argument, lower, upper));
          indexes.add(partials.size());
          partials.add(new Partial(Partial.Kind.CENTERED_SQUARE, argument, lower, upper));
        }
        case PERCENTILE_CONT, PERCENTILE_DISC -> {
          // One histogram per argument and bounds, however many quantiles read it.
          String histogram = measure.argument() + "|" + measure.bounds();
          Integer first = histograms.get(histogram);
          if (first == null) {
            arguments.add(measure.argument());
            first = partials.size();
            for (int bucket = 0; bucket < QuantileHistogram.BUCKETS; bucket++) {
              partials.add(
                  new Partial(
                      Partial.Kind.BUCKET,
                      arguments.size() - 1,
                      measure.bounds().lower(),
                      measure.bounds().upper(),
                      bucket,
                      QuantileHistogram.BUCKETS));
            }
            histograms.put(histogram, first);
          }
          indexes.add(first);
        }
        case DISTINCT_UNITS -> {}
      }
      partialsOfMeasure.add(indexes);
    }
    RelNode plan = build(query, arguments, partials, parameters, cluster, key);
    RelNode displayPlan = build(query, arguments, partials, parameters, cluster, DISPLAY_KEY);
    String planText = RelOptUtil.toString(displayPlan, SqlExplainLevel.EXPPLAN_ATTRIBUTES);
    ReleaseRule rule = PublicGroupKeys.of(query);
    Released released =
        released(
            query,
            partialsOfMeasure,
            partials,
            parameters,
            countUpper,
            cluster.getRexBuilder(),
            options,
            rule);
    ReleaseSpec spec = released.spec();
    List<OrderKey> order = new ArrayList<>();
    for (RelFieldCollation collation : query.flat().order()) {
      order.add(new OrderKey(collation.getFieldIndex(), collation.getDirection().isDescending()));
    }
    OptionalInt limit =
        query.flat().limit() == null ? OptionalInt.empty() : OptionalInt.of(query.flat().limit());
    List<TableName> tables =
        new ArrayList<>(new TreeSet<>(query.flat().scans().stream().map(Scan::table).toList()));
    return new PrivateQuery(
        plan,
        spec,
        order,
        limit,
        tables,
        digest(planText, spec, released.post(), order, limit),
        explanation(query, parameters, maxContributions, spec.rule())
            + releaseExplanation(spec)
            + postProcessingExplanation(released),
        planText,
        rowsPerJoinKey(query),
        released.post());
  }

  /**
   * Key pairs lower column first, sorted: {@code ON a.k = b.k} and {@code ON b.k = a.k} build one
   * plan.
   */
  private static List<CheckedQuery.KeyPair> canonicalKeyPairs(List<CheckedQuery.KeyPair> pairs) {
    return pairs.stream()
        .map(
            p ->
                new CheckedQuery.KeyPair(
                    Math.min(p.left(), p.right()), Math.max(p.left(), p.right())))
        .distinct()
        .sorted(
            Comparator.comparingInt(CheckedQuery.KeyPair::left)
                .thenComparingInt(CheckedQuery.KeyPair::right))
        .toList();
  }

  /**
   * Filter conjuncts in one order (by their text), so the order of {@code ON} and {@code WHERE}
   * conditions, which nothing can make fail, does not change the plan.
   */
  private static List<RexNode> canonicalFilters(List<RexNode> filters) {
    TreeMap<String, RexNode> sorted = new TreeMap<>();
    filters.forEach(f -> sorted.putIfAbsent(f.toString(), f));
    return List.copyOf(sorted.values());
  }

  private static RelNode build(
      CheckedQuery query,
      List<RexNode> arguments,
      List<Partial> partials,
      QueryPrivacyParameters parameters,
      RelOptCluster cluster,
      ContributionKey key) {
    Scan first = query.flat().scans().get(0);
    // No simplifier: it would fold the clamp into a SEARCH (outside the private-plan contract) and
    // treats comparisons as if NaN were ordered, which the clamp relies on it not to be.
    RelBuilder builder =
        RelBuilder.proto(Contexts.of(RelBuilder.Config.DEFAULT.withSimplify(false)))
            .create(cluster, first.relOptTable().getRelOptSchema());
    List<RelDataType> baseTypes = query.flat().columns().stream().map(BaseColumn::type).toList();
    int groups = query.groupKeys().size();
    int unitColumn = query.unitColumn();
    List<RexNode> groupKeys = query.groupKeys();
    List<RexNode> rowArguments = arguments;
    if (query.perPerson() != null && query.perPerson().leftJoin() != null) {
      PerPersonSteps.leftJoinPerPersonRows(builder, query, baseTypes, key);
      groupKeys = PerPersonSteps.onJoinedRows(query, groupKeys);
      rowArguments = PerPersonSteps.onJoinedRows(query, arguments);
      RewriteSteps.filterRows(
          builder,
          unitColumn,
          PerPersonSteps.onJoinedRows(query, query.perPerson().leftJoin().outerFilters()));
    } else {
      RewriteSteps.joinOnKeys(
          builder,
          query.flat().scans(),
          canonicalKeyPairs(query.keyPairs()),
          baseTypes,
          JoinKeyCap.of(query),
          key);
      RewriteSteps.filterRows(
          builder,
          query.unitColumn(),
          canonicalFilters(query.filters()),
          readsOneRowPerUnit(query));
      if (query.perPerson() != null) {
        PerPersonSteps.aggregatePerPerson(builder, query.unitColumn(), query.perPerson());
        unitColumn = query.perPerson().unitField();
      }
    }
    RewriteSteps.projectUnitGroupsAndArguments(builder, unitColumn, groupKeys, rowArguments);
    if (readsOneRowPerUnit(query)) {
      RewriteSteps.partialsOfOneRow(builder, groups, partials);
      RewriteSteps.clampContributions(builder, groups, partials, true);
    } else {
      RewriteSteps.aggregatePerUnitAndGroup(builder, groups, partials);
      RewriteSteps.clampContributions(builder, groups, partials);
      RewriteSteps.rankGroupsPerUnit(builder, groups, key);
      RewriteSteps.keepTopGroups(builder, parameters.maxGroupsContributed());
    }
    RewriteSteps.aggregatePerGroup(builder, groups, partials.size());
    return builder.build();
  }

  /**
   * Whether the query reads one table alone, whose approved policy declares at most one row per
   * privacy unit, by that table's PRIVACY_UNIT column, without a per-person sub-query: then every
   * row left after the filters is its unit's only row and only group. Decided from the policy and
   * the query's shape alone, never from the data, so which plan runs says nothing of any person;
   * the uploads and the policy's approval make the declaration true of every version a query can
   * read (docs/PRIVACY.md, "One row per person").
   */
  static boolean readsOneRowPerUnit(CheckedQuery query) {
    if (query.flat().scans().size() != 1 || query.perPerson() != null) {
      return false;
    }
    Scan scan = query.flat().scans().get(0);
    if (scan.policy() == null || !scan.policy().oneRowPerUnit()) {
      return false;
    }
    BaseColumn unit = query.flat().columns().get(query.unitColumn());
    return scan.policy()
        .privacyUnitColumn()
        .map(column -> column.name().equals(unit.name()) && unit.scan() == 0)
        .orElse(false);
  }

  /**
   * The columns the release noises (the <em>parts</em>) and how the answer shows them. A part is a
   * group key or an aggregate: first those the analyst returns as they are, in output order and
   * under their output names, then the aggregates (and group keys) read only by a derived output,
   * {@code HAVING} or {@code ORDER BY}, named by their SQL. Each aggregate is one part, noised
   * once, however many outputs read it; everything computed from parts is post-processing.
   */
  private static Released released(
      CheckedQuery query,
      List<List<Integer>> partialsOfMeasure,
      List<Partial> partials,
      QueryPrivacyParameters parameters,
      BigDecimal countUpper,
      RexBuilder rexBuilder,
      ReleaseOptions options,
      ReleaseRule rule) {
    int groups = query.groupKeys().size();
    List<ReleaseColumn> columns = new ArrayList<>();
    Map<Integer, Integer> partOfField = new HashMap<>();
    for (CheckedQuery.Output output : query.outputs()) {
      if (output.derived() == null) {
        int field = output.groupKey() ? output.index() : groups + output.index();
        if (!partOfField.containsKey(field)
            && !isSpread(query, field)
            && !isQuantile(query, field)) {
          partOfField.put(field, columns.size());
          columns.add(part(query, field, output.name(), partialsOfMeasure, partials, countUpper));
        }
      }
    }
    List<RexNode> afterNoise = new ArrayList<>(query.having());
    afterNoise.addAll(query.sortValues());
    query.outputs().stream()
        .map(CheckedQuery.Output::derived)
        .filter(derived -> derived != null)
        .forEach(afterNoise::add);
    TreeSet<Integer> hiddenFields = new TreeSet<>();
    afterNoise.forEach(e -> hiddenFields.addAll(RelOptUtil.InputFinder.bits(e).asList()));
    for (CheckedQuery.Output output : query.outputs()) {
      if (output.derived() == null && !output.groupKey()) {
        int field = groups + output.index();
        if (isSpread(query, field) || isQuantile(query, field)) {
          hiddenFields.add(field);
        }
      }
    }
    Map<Integer, DerivedExpression> spreadOfField = new HashMap<>();
    Map<Integer, Integer> histogramPartOfPartial = new HashMap<>();
    for (int field : hiddenFields) {
      if (isQuantile(query, field)) {
        Measure measure = query.measures().get(field - groups);
        int first = partialsOfMeasure.get(field - groups).get(0);
        Integer part = histogramPartOfPartial.get(first);
        if (part == null) {
          part = columns.size();
          histogramPartOfPartial.put(first, part);
          columns.add(
              new ReleaseColumn(
                  "histogram of "
                      + ExpressionText.of(measure.argument(), PerPersonSteps.inputNames(query))
                      + " per person ("
                      + QuantileHistogram.BUCKETS
                      + " slices of ["
                      + measure.bounds().lower().toPlainString()
                      + ", "
                      + measure.bounds().upper().toPlainString()
                      + "])",
                  ColumnRole.HISTOGRAM,
                  groups + first,
                  -1,
                  measure.bounds().lower(),
                  measure.bounds().upper()));
        }
        spreadOfField.put(
            field,
            new DerivedExpression.Quantile(
                part, measure.fraction(), measure.kind() == Measure.Kind.PERCENTILE_DISC));
        continue;
      }
      if (isSpread(query, field)) {
        String name =
            ExpressionText.of(
                query.flat().aggregates().get(field - groups), PerPersonSteps.inputNames(query));
        spreadOfField.put(
            field, spreadParts(query, field, name, partialsOfMeasure, partials, columns));
        continue;
      }
      if (!partOfField.containsKey(field)) {
        partOfField.put(field, columns.size());
        IntFunction<String> inputName = PerPersonSteps.inputNames(query);
        String name =
            field < groups
                ? ExpressionText.of(query.groupKeys().get(field), inputName)
                : ExpressionText.of(query.flat().aggregates().get(field - groups), inputName);
        columns.add(part(query, field, name, partialsOfMeasure, partials, countUpper));
      }
    }
    ReleaseSpec spec =
        new ReleaseSpec(columns, groups + partials.size(), parameters, options, rule);
    IntFunction<DerivedExpression> partOf =
        field -> {
          if (spreadOfField.containsKey(field)) {
            return spreadOfField.get(field);
          }
          int part = partOfField.get(field);
          return new DerivedExpression.Part(part, PostProcessing.partType(columns.get(part)));
        };
    List<PostProcessing.OutputColumn> outputs = new ArrayList<>();
    for (CheckedQuery.Output output : query.outputs()) {
      RexNode expression =
          output.derived() != null
              ? output.derived()
              : rexBuilder.makeInputRef(
                  query.flat().outputs().get(outputs.size()).getType(),
                  output.groupKey() ? output.index() : groups + output.index());
      outputs.add(
          new PostProcessing.OutputColumn(
              output.name(), afterNoise(expression, rexBuilder, partOf)));
    }
    List<DerivedExpression> having = new ArrayList<>();
    query.having().forEach(c -> having.add(afterNoise(c, rexBuilder, partOf)));
    List<DerivedExpression> sortValues = new ArrayList<>();
    query.sortValues().forEach(v -> sortValues.add(afterNoise(v, rexBuilder, partOf)));
    List<String> hiddenParts = new ArrayList<>();
    for (int field : hiddenFields) {
      boolean shown =
          query.outputs().stream()
              .anyMatch(
                  o ->
                      o.derived() == null
                          && (o.groupKey() ? o.index() : groups + o.index()) == field);
      if (spreadOfField.get(field) instanceof DerivedExpression.Quantile quantile) {
        String histogram = columns.get(quantile.part()).name();
        if (!hiddenParts.contains(histogram)) {
          hiddenParts.add(histogram);
        }
      } else if (spreadOfField.get(field) instanceof DerivedExpression.Spread spread) {
        hiddenParts.add(columns.get(spread.people()).name());
        hiddenParts.add(columns.get(spread.centeredSum()).name());
        hiddenParts.add(columns.get(spread.centeredSquares()).name());
      } else if (!shown && field >= groups) {
        hiddenParts.add(columns.get(partOfField.get(field)).name());
      }
    }
    return new Released(
        spec, new PostProcessing(outputs, sortValues, having), List.copyOf(hiddenParts));
  }

  /** The release spec, what the answer shows, and the aggregates noised though not returned. */
  private record Released(ReleaseSpec spec, PostProcessing post, List<String> hiddenParts) {}

  private static DerivedExpression afterNoise(
      RexNode expression, RexBuilder rexBuilder, IntFunction<DerivedExpression> partOf) {
    DerivedTranslator.Translation translation =
        DerivedTranslator.translate(expression, rexBuilder, partOf);
    if (translation.problem() != null) {
      // The lineage check translated the same expression; failing here is a bug, not the data.
      throw new IllegalStateException("a checked expression does not translate");
    }
    return translation.expression();
  }

  private static boolean isQuantile(CheckedQuery query, int field) {
    int groups = query.groupKeys().size();
    return field >= groups && query.measures().get(field - groups).percentile();
  }

  private static boolean isSpread(CheckedQuery query, int field) {
    int groups = query.groupKeys().size();
    return field >= groups && query.measures().get(field - groups).spread();
  }

  /**
   * Adds the three parts of a variance or standard deviation to {@code columns} (a count of people
   * with a value and two sums, each noised with its own share of epsilon) and returns the
   * expression that computes the statistic from them after noise.
   */
  private static DerivedExpression spreadParts(
      CheckedQuery query,
      int field,
      String name,
      List<List<Integer>> partialsOfMeasure,
      List<Partial> partials,
      List<ReleaseColumn> columns) {
    int groups = query.groupKeys().size();
    Measure measure = query.measures().get(field - groups);
    List<Integer> fields = partialsOfMeasure.get(field - groups);
    Partial centered = partials.get(fields.get(1));
    Partial squares = partials.get(fields.get(2));
    String center = centered.center().stripTrailingZeros().toPlainString();
    int people = columns.size();
    columns.add(
        new ReleaseColumn(
            name + " part: people with a value",
            ColumnRole.COUNT,
            groups + fields.get(0),
            -1,
            BigDecimal.ZERO,
            BigDecimal.ONE));
    columns.add(
        centeredColumn(
            name + " part: sum of (total - " + center + ")", groups + fields.get(1), centered));
    columns.add(
        centeredColumn(
            name + " part: sum of (total - " + center + ")^2", groups + fields.get(2), squares));
    boolean sample =
        measure.kind() == Measure.Kind.VAR_SAMP || measure.kind() == Measure.Kind.STDDEV_SAMP;
    boolean root =
        measure.kind() == Measure.Kind.STDDEV_POP || measure.kind() == Measure.Kind.STDDEV_SAMP;
    return new DerivedExpression.Spread(
        people, people + 1, people + 2, new SpreadStatistic(sample, root, centered.halfWidth()));
  }

  private static ReleaseColumn centeredColumn(String name, int field, Partial partial) {
    BigDecimal lower = partial.releasedLower();
    BigDecimal upper = partial.releasedUpper();
    return new ReleaseColumn(
        name,
        ColumnRole.SUM,
        field,
        -1,
        lower,
        upper,
        null,
        FixedPoint.unit(FixedPoint.unitExponent(lower, upper)));
  }

  /** The release column of one field of the aggregate's row: a group key or a measure. */
  private static ReleaseColumn part(
      CheckedQuery query,
      int field,
      String name,
      List<List<Integer>> partialsOfMeasure,
      List<Partial> partials,
      BigDecimal countUpper) {
    int groups = query.groupKeys().size();
    if (field < groups) {
      return new ReleaseColumn(name, ColumnRole.GROUP_KEY, field, -1, null, null);
    }
    int distinctUnitsField = groups + partials.size();
    Measure measure = query.measures().get(field - groups);
    List<Integer> fields = partialsOfMeasure.get(field - groups);
    return switch (measure.kind()) {
      case COUNT_ROWS, COUNT_VALUES ->
          new ReleaseColumn(
              name, ColumnRole.COUNT, groups + fields.get(0), -1, BigDecimal.ZERO, countUpper);
      case SUM ->
          new ReleaseColumn(
              name,
              ColumnRole.SUM,
              groups + fields.get(0),
              -1,
              measure.bounds().lower(),
              measure.bounds().upper(),
              null,
              sumUnit(measure));
      case AVG ->
          new ReleaseColumn(
              name,
              ColumnRole.AVG,
              groups + fields.get(0),
              groups + fields.get(1),
              measure.bounds().lower(),
              measure.bounds().upper(),
              countUpper,
              sumUnit(measure));
      case CONDITIONAL_UNITS ->
          new ReleaseColumn(
              name, ColumnRole.COUNT, groups + fields.get(0), -1, BigDecimal.ZERO, BigDecimal.ONE);
      case VAR_POP, VAR_SAMP, STDDEV_POP, STDDEV_SAMP, PERCENTILE_CONT, PERCENTILE_DISC ->
          throw new IllegalStateException(
              "a variance or quantile is released from its own parts, not as one");
      case DISTINCT_UNITS ->
          new ReleaseColumn(
              name,
              ColumnRole.DISTINCT_UNITS,
              distinctUnitsField,
              -1,
              BigDecimal.ZERO,
              BigDecimal.ONE);
    };
  }

  private static List<PrivateQuery.RowsPerJoinKey> rowsPerJoinKey(CheckedQuery query) {
    List<PrivateQuery.RowsPerJoinKey> caps = new ArrayList<>();
    for (JoinKeyCap cap : JoinKeyCap.of(query)) {
      Scan scan = query.flat().scans().get(cap.scan());
      List<String> columns =
          cap.partitionColumns().stream()
              .map(c -> query.flat().columns().get(scan.offset() + c).name())
              .toList();
      caps.add(new PrivateQuery.RowsPerJoinKey(scan.table(), columns, cap.maxRows()));
    }
    return caps;
  }

  /** The fixed-point unit the plan counts a measure's per-person sums in. */
  private static BigDecimal sumUnit(Measure measure) {
    return FixedPoint.unit(
        FixedPoint.unitExponent(measure.bounds().lower(), measure.bounds().upper()));
  }

  /** The strictest parameters over the tables read: min epsilon and delta, max k, min groups. */
  static QueryPrivacyParameters strictestParameters(List<Scan> scans) {
    BigDecimal epsilon = null;
    double delta = 1;
    int minimumDistinctUnits = 2;
    int maxGroups = Integer.MAX_VALUE;
    boolean releaseRemainder = true;
    for (Scan scan : scans) {
      DatasetPolicy policy = scan.policy();
      BigDecimal tableEpsilon = policy.privacy().epsilonPerQuery();
      epsilon = epsilon == null || tableEpsilon.compareTo(epsilon) < 0 ? tableEpsilon : epsilon;
      delta = Math.min(delta, policy.privacy().delta());
      minimumDistinctUnits = Math.max(minimumDistinctUnits, policy.minimumDistinctUnits());
      maxGroups = Math.min(maxGroups, policy.privacy().maxGroupsContributed());
      releaseRemainder &= policy.privacy().releaseRemainder();
    }
    return new QueryPrivacyParameters(
        epsilon, delta, minimumDistinctUnits, maxGroups, releaseRemainder);
  }

  private static int maxContributionsPerGroup(List<Scan> scans) {
    return scans.stream()
        .mapToInt(s -> s.policy().privacy().maxContributionsPerGroup())
        .min()
        .orElseThrow();
  }

  private static String explanation(
      CheckedQuery query,
      QueryPrivacyParameters parameters,
      int maxContributions,
      ReleaseRule rule) {
    StringBuilder text = new StringBuilder();
    for (Scan scan : query.flat().scans()) {
      text.append("Reads ").append(scan.table());
      scan.policy()
          .consentColumn()
          .ifPresent(
              c ->
                  text.append(", without the rows whose ")
                      .append(c.name())
                      .append(" is TRUE or NULL"));
      if (scan.purpose() != null) {
        scan.policy()
            .consentColumnFor(scan.purpose())
            .ifPresent(
                c ->
                    text.append(", only the rows whose ")
                        .append(c.name())
                        .append(" is TRUE (consent for ")
                        .append(scan.purpose())
                        .append(")"));
      }
      text.append(".\n");
    }
    List<JoinKeyCap> joinKeyCaps = JoinKeyCap.of(query);
    List<PrivateQuery.RowsPerJoinKey> rowsPerJoinKey = rowsPerJoinKey(query);
    for (int c = 0; c < rowsPerJoinKey.size(); c++) {
      PrivateQuery.RowsPerJoinKey cap = rowsPerJoinKey.get(c);
      text.append("Before the join, at most ")
          .append(cap.maxRows())
          .append(" row(s) of ")
          .append(cap.table())
          .append(" per value of (")
          .append(
              String.join(
                  ", ", cap.columns().stream().map(col -> cap.table().qualify(col)).toList()))
          .append(
              joinKeyCaps.get(c).heldByPolicy()
                  ? ") take part: the table has one row per person (its policy declares it and its"
                      + " uploads enforce it).\n"
                  : ") take part, chosen by a keyed hash the analyst cannot influence.\n");
    }
    for (CheckedQuery.KeyPair pair : query.keyPairs()) {
      text.append("Joins on ")
          .append(query.flat().columns().get(pair.left()).qualifiedName())
          .append(" = ")
          .append(query.flat().columns().get(pair.right()).qualifiedName())
          .append(".\n");
    }
    if (query.perPerson() != null && query.perPerson().leftJoin() != null) {
      text.append("Each row of ")
          .append(query.flat().columns().get(query.perPerson().leftJoin().tableKey()).table())
          .append(" meets at most one row of the per-person sub-query (LEFT JOIN on ")
          .append(
              query.flat().columns().get(query.perPerson().leftJoin().tableKey()).qualifiedName())
          .append("); for people without one, its values are NULL.\n");
    }
    if (query.perPerson() != null) {
      // After a LEFT JOIN the sub-query's person is named by its own table's key.
      int person =
          query.perPerson().leftJoin() == null
              ? query.unitColumn()
              : query.personColumns().get(query.personColumns().size() - 1);
      text.append("The sub-query's aggregates are computed per person (")
          .append(query.flat().columns().get(person).qualifiedName())
          .append(") and per sub-query group; its HAVING and the outer WHERE keep or drop a")
          .append(" person's rows by that person's own values.\n");
    }
    if (readsOneRowPerUnit(query)) {
      text.append("Each person is identified by ")
          .append(query.flat().columns().get(query.unitColumn()).qualifiedName())
          .append(" and has at most one row in ")
          .append(query.flat().scans().get(0).table())
          .append(" (its policy declares it and its uploads enforce it), so a person counts in")
          .append(" at most one group and needs neither a per-person total nor a ranking.\n");
    } else {
      text.append("Each person is identified by ")
          .append(query.flat().columns().get(query.unitColumn()).qualifiedName())
          .append("; a person counts in at most ")
          .append(parameters.maxGroupsContributed())
          .append(" group(s), chosen by a keyed hash the analyst cannot influence.\n");
    }
    for (Measure measure : query.measures()) {
      switch (measure.kind()) {
        case SUM, AVG ->
            text.append("Each person's total of ")
                .append(measure.metric())
                .append(" per group is clamped to [")
                .append(measure.bounds().lower().toPlainString())
                .append(", ")
                .append(measure.bounds().upper().toPlainString())
                .append("].\n");
        case COUNT_ROWS, COUNT_VALUES ->
            text.append("Each person adds at most ")
                .append(maxContributions)
                .append(" to a count per group.\n");
        case VAR_POP, VAR_SAMP, STDDEV_POP, STDDEV_SAMP ->
            text.append("Each person's total of ")
                .append(measure.metric())
                .append(" per group is clamped to [")
                .append(measure.bounds().lower().toPlainString())
                .append(", ")
                .append(measure.bounds().upper().toPlainString())
                .append("]; its ")
                .append(measure.kind().name())
                .append(" is over the people of the group, one clamped total each, from three")
                .append(" noised parts: the people with a value (each adds at most 1), the sum of")
                .append(" their totals less the bounds' midpoint and the sum of its squares.\n");
        case PERCENTILE_CONT, PERCENTILE_DISC ->
            text.append("Each person's total of ")
                .append(measure.metric())
                .append(" per group is clamped to [")
                .append(measure.bounds().lower().toPlainString())
                .append(", ")
                .append(measure.bounds().upper().toPlainString())
                .append("]; its ")
                .append(measure.kind().name())
                .append("(")
                .append(measure.fraction().toPlainString())
                .append(") is over the people of the group, one clamped total each, read from a")
                .append(" noised histogram of ")
                .append(QuantileHistogram.BUCKETS)
                .append(" equal slices of the bounds, to which each person adds 1 in one slice.\n");
        case DISTINCT_UNITS ->
            text.append("Each person adds 1 to the number of people per group.\n");
        case CONDITIONAL_UNITS ->
            text.append(
                "Each person adds at most 1 to the number of people with a row meeting a"
                    + " condition per group.\n");
      }
    }
    text.append(
            rule instanceof ReleaseRule.PublicKeys
                ? "A key's numbers are shown when its noised number of people reaches "
                : "Groups with fewer than ")
        .append(parameters.minimumDistinctUnits())
        .append(
            rule instanceof ReleaseRule.PublicKeys
                ? "; every released number gets noise (epsilon "
                : " people are never released; every released number gets noise (epsilon ")
        .append(parameters.epsilon().toPlainString())
        .append(", delta ")
        .append(parameters.delta())
        .append(").\n");
    if (!query.flat().order().isEmpty() || query.flat().limit() != null) {
      text.append("ORDER BY and LIMIT apply to the released, noised rows.\n");
    }
    return text.toString();
  }

  /** How the release decides which groups are shown, and what the options ask, in sentences. */
  private static String releaseExplanation(ReleaseSpec spec) {
    StringBuilder text = new StringBuilder();
    if (spec.rule() instanceof ReleaseRule.PublicKeys keys) {
      text.append("Public group keys (")
          .append(keys.describe())
          .append("): exactly ")
          .append(keys.keyCount())
          .append(" key combination(s) are released whatever the data (");
      for (int i = 0; i < keys.keySets().size(); i++) {
        ReleaseRule.KeySet set = keys.keySets().get(i);
        text.append(i == 0 ? "" : ", ")
            .append(set.column())
            .append(": ")
            .append(set.values().size())
            .append(
                set.source() == ReleaseRule.KeySource.POLICY
                    ? " published"
                    : " named in the query");
      }
      text.append(
              "), a key without rows with noised zeros; no threshold, so no delta for it. A key's")
          .append(" aggregates are NULL when its noised number of people is below ")
          .append(spec.parameters().minimumDistinctUnits())
          .append(" (post-processing).")
          .append(
              spec.options().otherRow()
                  ? " Rows whose keys are outside the set are gathered in one other row.\n"
                  : " Rows whose keys are outside the set are not shown.\n");
    } else if (spec.rule() instanceof ReleaseRule.Threshold threshold
        && !threshold.note().isEmpty()) {
      text.append("Groups are released by the noisy threshold: ")
          .append(threshold.note())
          .append(".\n");
    }
    if (spec.options().suppressedGroups()) {
      text.append(
          "The number of groups not shown is reported, noised, for one share of epsilon.\n");
    }
    return text.toString();
  }

  /** What the answer computes after noise, in sentences; empty when it shows parts as released. */
  private static String postProcessingExplanation(Released released) {
    StringBuilder text = new StringBuilder();
    for (PostProcessing.DerivedNoise derived :
        released.post().derivedNoise(released.spec(), List.of())) {
      text.append("Output '")
          .append(derived.column())
          .append("' is computed after noise as ")
          .append(derived.expression())
          .append(": post-processing of released values, which spends no epsilon")
          .append(
              derived.expression().contains(" / ")
                  ? "; a division by a noised value that comes out zero or negative gives NULL.\n"
                  : ".\n");
    }
    for (String hidden : released.hiddenParts()) {
      text.append(hidden)
          .append(" is not returned but read by a derived output, HAVING or ORDER BY: it is")
          .append(" noised once and spends a share of epsilon like a returned column.\n");
    }
    if (!released.post().having().isEmpty()) {
      text.append("HAVING is applied to the released, noised rows, never to exact values; it")
          .append(" does not drop the remainder row.\n");
    }
    return text.toString();
  }

  /**
   * The expressions as their records print them: every operator, part index, constant and its type
   * (a whole {@code 2} and a fractional {@code 2} divide differently), and no names.
   */
  private static List<String> render(List<DerivedExpression> expressions) {
    return expressions.stream().map(String::valueOf).toList();
  }

  private static String ruleText(ReleaseSpec spec) {
    if (!(spec.rule() instanceof ReleaseRule.PublicKeys keys)) {
      return spec.rule().describe();
    }
    StringBuilder text = new StringBuilder("public");
    for (ReleaseRule.KeySet set : keys.keySets()) {
      List<Object> values = new ArrayList<>(set.values());
      values.sort(dev.cleanroom.querypolicy.release.ReleaseOrder::compareValues);
      text.append('|').append(set.groupField()).append(':').append(set.source()).append(':');
      // Lengths first, so no value can be read as two.
      values.forEach(
          v -> text.append(String.valueOf(v).length()).append('#').append(v).append(','));
    }
    return text.toString();
  }

  private static String digest(
      String planText,
      ReleaseSpec spec,
      PostProcessing post,
      List<OrderKey> order,
      OptionalInt limit) {
    StringBuilder canonical = new StringBuilder(planText);
    for (ReleaseColumn column : spec.columns()) {
      canonical
          .append('|')
          .append(column.role())
          .append(':')
          .append(column.valueField())
          .append(':')
          .append(column.countField());
    }
    if (!post.isIdentity(spec)) {
      // Names aside, as for released columns: the expressions over parts and the conditions.
      canonical
          .append("|outputs=")
          .append(render(post.outputs().stream().map(o -> o.expression()).toList()))
          .append("|sort=")
          .append(render(post.sortValues()))
          .append("|having=")
          .append(render(post.having()));
    }
    canonical.append("|order=").append(order).append("|limit=").append(limit);
    // Options and the key set are part of the question: different ones, different answers.
    canonical.append("|options=").append(spec.options()).append("|rule=").append(ruleText(spec));
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(sha256.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
