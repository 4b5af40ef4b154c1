package dev.cleanroom.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment files cannot be run here (no container engine), so this checks what can be
 * checked: they parse, they agree with each other, and they agree with the configuration the server
 * really reads.
 */
class DeploymentFilesTest {
  private static final Path DEPLOY = Path.of("").toAbsolutePath();
  private static final Path SERVER = DEPLOY.resolveSibling("cleanroom-server");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String IMAGE = "cleanroom-server:0.1.0";
  private static final Set<String> HEALTH_PATHS =
      Set.of("/q/health/live", "/q/health/ready", "/q/health/started");

  @Test
  void everyYamlFile_parses() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(DEPLOY)) {
      files =
          walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .filter(p -> !p.toString().contains("/target/"))
              .toList();
    }
    assertTrue(files.size() >= 7, "expected the compose file and the manifests, found " + files);
    for (Path file : files) {
      assertFalse(documents(file).isEmpty(), file + " holds no YAML document");
    }
  }

  @Test
  void kubernetesDeployment_runsTheImageHardened() throws IOException {
    JsonNode pod = deployment().at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");
    assertEquals(IMAGE, container.at("/image").asText());
    assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
    assertTrue(pod.at("/securityContext/runAsUser").asInt() > 0);
    assertTrue(container.at("/securityContext/readOnlyRootFilesystem").asBoolean());
    assertFalse(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true));
    assertTrue(env(container, "JAVA_OPTS").contains("--add-opens=java.base/java.nio=ALL-UNNAMED"));
    assertFixedHeap(env(container, "JAVA_OPTS"));
    assertFalse(container.at("/resources/limits/memory").isMissingNode());
    assertFalse(container.at("/resources/requests/memory").isMissingNode());
  }

  @Test
  void kubernetesProbes_useTheHealthEndpointsOnTheManagementPort_whichOnlyMonitoringReaches()
      throws IOException {
    JsonNode container = deployment().at("/spec/template/spec/containers/0");
    String portName = container.at("/ports/0/name").asText();
    int containerPort = container.at("/ports/0/containerPort").asInt();
    assertEquals(String.valueOf(containerPort), env(container, "QUARKUS_HTTP_SSL_PORT"));
    JsonNode management = container.at("/ports/1");
    assertEquals("management", management.at("/name").asText());
    assertEquals(
        serverSetting("quarkus.management.port"), management.at("/containerPort").asText());
    assertEquals("127.0.0.1", serverSetting("quarkus.management.host"));
    assertEquals("0.0.0.0", env(container, "QUARKUS_MANAGEMENT_HOST"), "probes reach the pod");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      JsonNode get = container.at("/" + probe + "/httpGet");
      assertTrue(HEALTH_PATHS.contains(get.at("/path").asText()), probe);
      assertEquals("management", get.at("/port").asText(), probe);
    }
    JsonNode service = single("k8s/service.yaml");
    assertEquals(portName, service.at("/spec/ports/0/targetPort").asText());
    for (JsonNode servicePort : service.at("/spec/ports")) {
      assertFalse(
          servicePort.at("/targetPort").asText().equals("management")
              || servicePort.at("/targetPort").asInt() == management.at("/containerPort").asInt(),
          "members never reach the management port");
    }
    JsonNode network = single("k8s/networkpolicy.yaml");
    assertEquals(containerPort, network.at("/spec/ingress/0/ports/0/port").asInt());
    assertTrue(network.at("/spec/ingress/0/from").isMissingNode());
    JsonNode monitoring = network.at("/spec/ingress/1");
    assertEquals(management.at("/containerPort").asInt(), monitoring.at("/ports/0/port").asInt());
    assertFalse(monitoring.at("/from/0/namespaceSelector").isMissingNode());
  }

  @Test
  void flightSqlPort_isExposedEverywhereTheServerListensOnIt() throws IOException {
    JsonNode container = deployment().at("/spec/template/spec/containers/0");
    int port = Integer.parseInt(env(container, "CLEANROOM_FLIGHT_PORT"));
    JsonNode containerPort = null;
    for (JsonNode candidate : container.at("/ports")) {
      if (candidate.at("/containerPort").asInt() == port) {
        containerPort = candidate;
      }
    }
    assertTrue(containerPort != null, "the container does not declare port " + port);
    String name = containerPort.at("/name").asText();
    List<String> targets = new ArrayList<>();
    single("k8s/service.yaml")
        .at("/spec/ports")
        .forEach(p -> targets.add(p.at("/targetPort").asText()));
    assertTrue(targets.contains(name), "the service does not route to " + name);
    List<Integer> allowed = new ArrayList<>();
    single("k8s/networkpolicy.yaml")
        .at("/spec/ingress/0/ports")
        .forEach(p -> allowed.add(p.at("/port").asInt()));
    assertTrue(allowed.contains(port), "the network policy does not admit " + port);

    JsonNode compose = single("compose.yaml").at("/services/cleanroom");
    String composePort = compose.at("/environment/CLEANROOM_FLIGHT_PORT").asText();
    List<String> published = new ArrayList<>();
    compose.at("/ports").forEach(p -> published.add(p.asText()));
    assertTrue(published.contains(composePort + ":" + composePort), published.toString());

    Matcher expose =
        Pattern.compile("(?m)^EXPOSE\\s+(.+)$")
            .matcher(Files.readString(DEPLOY.resolve("Dockerfile")));
    assertTrue(expose.find(), "no EXPOSE line");
    assertTrue(List.of(expose.group(1).trim().split("\\s+")).contains(String.valueOf(port)));
  }

  @Test
  void kubernetesSecrets_referencedKeysExistInTheExampleSecret() throws IOException {
    JsonNode secret = single("k8s/secret.example.yaml");
    Set<String> keys = new HashSet<>();
    secret.at("/stringData").fieldNames().forEachRemaining(keys::add);
    JsonNode pod = deployment().at("/spec/template/spec");
    for (JsonNode volume : pod.at("/volumes")) {
      if (volume.at("/secret/secretName").asText().equals("cleanroom-secrets")) {
        for (JsonNode item : volume.at("/secret/items")) {
          assertTrue(keys.contains(item.at("/key").asText()), item.toString());
        }
      }
    }
    for (JsonNode variable : pod.at("/containers/0/env")) {
      JsonNode ref = variable.at("/valueFrom/secretKeyRef");
      if (!ref.isMissingNode()) {
        assertEquals("cleanroom-secrets", ref.at("/name").asText());
        assertTrue(keys.contains(ref.at("/key").asText()), ref.toString());
      }
    }
    JsonNode kustomization = single("k8s/kustomization.yaml");
    List<String> resources = new ArrayList<>();
    kustomization.at("/resources").forEach(r -> resources.add(r.asText()));
    assertFalse(resources.contains("secret.example.yaml"), "the example secret is never applied");
  }

  @Test
  void compose_wiresServerToPostgresWithSecretsAndAReadOnlyRoot() throws IOException {
    JsonNode compose = single("compose.yaml");
    JsonNode server = compose.at("/services/cleanroom");
    assertEquals(IMAGE, server.at("/image").asText());
    assertTrue(server.at("/read_only").asBoolean());
    assertTrue(
        server
            .at("/environment/QUARKUS_DATASOURCE_JDBC_URL")
            .asText()
            .startsWith("jdbc:postgresql://postgres:"));
    assertEquals("service_healthy", server.at("/depends_on/postgres/condition").asText());
    Set<String> declared = new HashSet<>();
    compose.at("/secrets").fieldNames().forEachRemaining(declared::add);
    for (JsonNode secret : server.at("/secrets")) {
      assertTrue(declared.contains(secret.asText()), secret.asText());
    }
    assertTrue(
        server.at("/healthcheck/test").toString().contains("127.0.0.1:9000/q/health/ready"),
        "the health check asks the management port, inside the container");
    assertEquals(
        "[\"8443:8443\",\"32010:32010\"]",
        server.at("/ports").toString(),
        "only the members' ports: HTTPS and Flight SQL");
  }

  @Test
  void everyCleanroomSetting_isOneTheServerReads() throws IOException {
    Set<String> known = serverPropertiesAsEnvironmentVariables();
    Set<String> used = new HashSet<>();
    for (String compose : List.of("compose.yaml", "compose.spark.yaml")) {
      single(compose)
          .at("/services/cleanroom/environment")
          .fieldNames()
          .forEachRemaining(used::add);
    }
    for (String manifest : List.of("k8s/deployment.yaml", "k8s/spark/server-spark.yaml")) {
      single(manifest)
          .at("/spec/template/spec/containers/0/env")
          .forEach(e -> used.add(e.at("/name").asText()));
    }
    for (String variable : used) {
      if (variable.startsWith("CLEANROOM_")) {
        assertTrue(known.contains(variable), variable + " is not a setting the server reads");
      }
    }
  }

  @Test
  void dockerfile_runsAsNonRootWithArrowFlagAndHealthCheck() throws IOException {
    String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
    Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(dockerfile);
    assertTrue(user.find(), "no USER line");
    assertFalse(user.group(1).startsWith("root") || user.group(1).startsWith("0"), user.group(1));
    assertTrue(dockerfile.contains("--add-opens=java.base/java.nio=ALL-UNNAMED"));
    Matcher javaOptions = Pattern.compile("JAVA_OPTS=\"([^\"]*)\"").matcher(dockerfile);
    assertTrue(javaOptions.find(), "no JAVA_OPTS");
    assertFixedHeap(javaOptions.group(1));
    assertTrue(dockerfile.contains("HEALTHCHECK"));
    assertTrue(dockerfile.contains("127.0.0.1:9000/q/health/live"));
    assertTrue(dockerfile.contains("quarkus-app/"), "copies the Quarkus fast-jar layout");
  }

  @Test
  void sparkCompose_sharesTheDatasetVolumeReadOnly_andTheMasterKeyAtThePathSparkIsTold()
      throws IOException {
    JsonNode base = single("compose.yaml").at("/services/cleanroom");
    String dataDir = base.at("/environment/CLEANROOM_DATA_DIR").asText();
    assertTrue(listOf(base.at("/volumes")).contains("datasets:" + dataDir));
    JsonNode spark = single("compose.spark.yaml");
    JsonNode connect = spark.at("/services/spark-connect");
    List<String> command = listOf(connect.at("/command"));
    String keyFile = "/run/secrets/master-key";
    for (String setting : sparkSettings(keyFile)) {
      assertTrue(command.contains(setting), "spark-connect is not given " + setting);
    }
    String port = settingIn(command, "spark.connect.grpc.binding.port");
    assertEquals(
        "sc://spark-connect:" + port,
        spark.at("/services/cleanroom/environment/CLEANROOM_SPARK_REMOTE").asText());
    for (String service : List.of("spark-connect", "spark-worker")) {
      JsonNode node = spark.at("/services/" + service);
      assertTrue(
          listOf(node.at("/volumes")).contains("datasets:" + dataDir + ":ro"),
          service + " reads the dataset volume read-only, at the server's path");
      assertTrue(listOf(node.at("/secrets")).contains("master-key"), service);
    }
    spark
        .at("/services")
        .fields()
        .forEachRemaining(
            service ->
                assertTrue(
                    service.getKey().equals("cleanroom")
                        || service.getValue().at("/ports").isMissingNode(),
                    service.getKey() + " publishes no port: Spark and its UIs stay internal"));
    assertTrue(spark.at("/networks/spark/internal").asBoolean());
  }

  @Test
  void sparkKubernetes_sharesTheVolumeAndTheMasterKey_andOnlyTheServerReachesSparkConnect()
      throws IOException {
    JsonNode kustomization = single("k8s/spark/kustomization.yaml");
    for (JsonNode resource : kustomization.at("/resources")) {
      assertTrue(
          Files.exists(DEPLOY.resolve("k8s/spark").resolve(resource.asText())), resource.asText());
    }
    for (JsonNode patch : kustomization.at("/patches")) {
      if (patch.has("path")) {
        assertTrue(Files.exists(DEPLOY.resolve("k8s/spark").resolve(patch.at("/path").asText())));
      }
    }
    String dataDir = env(deployment().at("/spec/template/spec/containers/0"), "CLEANROOM_DATA_DIR");
    JsonNode connectDeployment = documents(DEPLOY.resolve("k8s/spark/spark-connect.yaml")).get(0);
    JsonNode connectService = documents(DEPLOY.resolve("k8s/spark/spark-connect.yaml")).get(1);
    JsonNode connect = connectDeployment.at("/spec/template/spec/containers/0");
    List<String> command = listOf(connect.at("/command"));
    String keyFile = "/run/secrets/cleanroom/master-key";
    for (String setting : sparkSettings(keyFile)) {
      assertTrue(command.contains(setting), "spark-connect is not given " + setting);
    }
    String port = settingIn(command, "spark.connect.grpc.binding.port");
    assertEquals(port, connectService.at("/spec/ports/0/port").asText());
    assertEquals(
        "sc://" + connectService.at("/metadata/name").asText() + ":" + port,
        env(
            single("k8s/spark/server-spark.yaml").at("/spec/template/spec/containers/0"),
            "CLEANROOM_SPARK_REMOTE"));
    JsonNode worker =
        documents(DEPLOY.resolve("k8s/spark/spark-workers.yaml")).get(0).at("/spec/template/spec");
    for (JsonNode pod : List.of(connectDeployment.at("/spec/template/spec"), worker)) {
      JsonNode container = pod.at("/containers/0");
      assertEquals(dataDir, mountPath(container, "datasets"));
      assertTrue(readOnlyMount(container, "datasets"));
      assertEquals(
          "cleanroom-datasets",
          volume(pod, "datasets").at("/persistentVolumeClaim/claimName").asText());
      assertEquals(
          keyFile,
          mountPath(container, "master-key")
              + "/"
              + volume(pod, "master-key").at("/secret/items/0/path").asText());
      assertEquals(
          "cleanroom-secrets", volume(pod, "master-key").at("/secret/secretName").asText());
      assertEquals("master-key", volume(pod, "master-key").at("/secret/items/0/key").asText());
      assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
    }
    assertEquals(
        "[\"ReadWriteMany\"]",
        single("k8s/spark/pvc-shared.yaml").at("/spec/accessModes").toString(),
        "pods on other nodes read the dataset volume");
    JsonNode sparkPolicy = single("k8s/spark/networkpolicy-spark.yaml");
    boolean serverAdmitted = false;
    for (JsonNode rule : sparkPolicy.at("/spec/ingress")) {
      if (rule.at("/from/0/podSelector/matchLabels/app.kubernetes.io~1name")
          .asText()
          .equals("cleanroom-server")) {
        serverAdmitted = true;
        assertEquals(port, rule.at("/ports/0/port").asText());
        assertEquals(1, rule.at("/ports").size(), "the server reaches Spark Connect only");
      }
    }
    assertTrue(serverAdmitted, "the server may not reach Spark Connect");
    assertTrue(kustomization.at("/patches").toString().contains("port: " + port));
  }

  /** The Spark settings of the storage's encrypted Parquet and the sealed contribution key. */
  private static List<String> sparkSettings(String keyFile) {
    return List.of(
        "spark.cleanroom.master-key-files=" + keyFile,
        "spark.hadoop.cleanroom.master-key-files=" + keyFile,
        "spark.hadoop.parquet.crypto.factory.class="
            + "org.apache.parquet.crypto.keytools.PropertiesDrivenCryptoFactory",
        "spark.hadoop.parquet.encryption.kms.client.class="
            + "dev.cleanroom.connectors.crypto.MasterKeyKmsClient",
        "spark.sql.extensions=dev.cleanroom.sparkruntime.CleanroomSparkExtensions");
  }

  private static String settingIn(List<String> command, String name) {
    return command.stream()
        .filter(argument -> argument.startsWith(name + "="))
        .map(argument -> argument.substring(name.length() + 1))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in " + command));
  }

  private static List<String> listOf(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static String mountPath(JsonNode container, String volume) {
    return mount(container, volume).at("/mountPath").asText();
  }

  private static boolean readOnlyMount(JsonNode container, String volume) {
    return mount(container, volume).at("/readOnly").asBoolean();
  }

  private static JsonNode mount(JsonNode container, String volume) {
    for (JsonNode mount : container.at("/volumeMounts")) {
      if (mount.at("/name").asText().equals(volume)) {
        return mount;
      }
    }
    throw new AssertionError("no mount of " + volume);
  }

  private static JsonNode volume(JsonNode pod, String name) {
    for (JsonNode volume : pod.at("/volumes")) {
      if (volume.at("/name").asText().equals(name)) {
        return volume;
      }
    }
    throw new AssertionError("no volume " + name);
  }

  /**
   * {@code cleanroom.master-key-file} read by the server becomes {@code CLEANROOM_MASTER_KEY_FILE}.
   */
  private static Set<String> serverPropertiesAsEnvironmentVariables() throws IOException {
    Pattern property =
        Pattern.compile("\"(cleanroom(?:\\.[a-z0-9-]+)+)\"|^(cleanroom(?:\\.[a-z0-9-]+)+)=");
    Set<String> variables = new HashSet<>();
    List<Path> sources;
    try (Stream<Path> walk = Files.walk(SERVER.resolve("src/main"))) {
      sources =
          walk.filter(p -> p.toString().endsWith(".java") || p.toString().endsWith(".properties"))
              .toList();
    }
    for (Path source : sources) {
      for (String line : Files.readAllLines(source)) {
        Matcher matcher = property.matcher(line.strip().replaceFirst("^%[a-z]+\\.", ""));
        while (matcher.find()) {
          String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2);
          variables.add(name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT));
        }
      }
    }
    assertFalse(variables.isEmpty(), "found no cleanroom.* setting in the server");
    return variables;
  }

  /** A setting of the server's application.properties, as its default profile has it. */
  private static String serverSetting(String name) throws IOException {
    Properties properties = new Properties();
    try (var in =
        Files.newBufferedReader(SERVER.resolve("src/main/resources/application.properties"))) {
      properties.load(in);
    }
    String value = properties.getProperty(name);
    assertNotNull(value, name + " is not in the server's application.properties");
    return value;
  }

  private static JsonNode deployment() throws IOException {
    return single("k8s/deployment.yaml");
  }

  private static String env(JsonNode container, String name) {
    for (JsonNode variable : container.at("/env")) {
      if (variable.at("/name").asText().equals(name)) {
        return variable.at("/value").asText();
      }
    }
    throw new AssertionError("no environment variable " + name);
  }

  private static JsonNode single(String relative) throws IOException {
    List<JsonNode> documents = documents(DEPLOY.resolve(relative));
    assertEquals(1, documents.size(), relative);
    return documents.get(0);
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    try (MappingIterator<JsonNode> iterator =
        YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      return iterator.readAll();
    }
  }

  /**
   * The heap is as large at start as it may grow, and touched then: queries must not pay for the
   * heap growing and shrinking; and G1 marks from a fixed occupancy (docs/PERFORMANCE.md).
   */
  private static void assertFixedHeap(String javaOptions) {
    Matcher initial = Pattern.compile("-XX:InitialRAMPercentage=(\\d+)").matcher(javaOptions);
    Matcher max = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(javaOptions);
    assertTrue(initial.find() && max.find(), javaOptions);
    assertEquals(max.group(1), initial.group(1), javaOptions);
    assertTrue(javaOptions.contains("-XX:+AlwaysPreTouch"), javaOptions);
    // G1's marking threshold is fixed: adaptive, it marked back to back under a query's arrays.
    assertTrue(javaOptions.contains("-XX:-G1UseAdaptiveIHOP"), javaOptions);
    assertTrue(javaOptions.contains("-XX:InitiatingHeapOccupancyPercent=45"), javaOptions);
  }
}
