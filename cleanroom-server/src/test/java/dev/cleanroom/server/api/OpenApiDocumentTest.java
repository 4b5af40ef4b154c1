package dev.cleanroom.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every REST resource method must be in the hand-maintained OpenAPI document, and vice versa. */
class OpenApiDocumentTest {
  private static final Pattern PATH_LINE = Pattern.compile("^  (/\\S*):\\s*$");
  private static final Pattern METHOD_LINE =
      Pattern.compile("^    (get|put|post|delete|patch):.*$");
  private static final Map<Class<? extends Annotation>, String> VERBS =
      Map.of(GET.class, "get", POST.class, "post", PUT.class, "put", DELETE.class, "delete");

  @Test
  void everyResourceMethod_isDocumented() throws IOException {
    Set<String> implemented = implementedOperations();
    Set<String> documented = documentedOperations();

    Set<String> missing = new TreeSet<>(implemented);
    missing.removeAll(documented);
    assertEquals(Set.of(), missing, "resource methods missing from openapi.yaml");

    Set<String> stale = new TreeSet<>(documented);
    stale.removeAll(implemented);
    assertEquals(Set.of(), stale, "openapi.yaml documents operations that do not exist");
  }

  @Test
  void resourcesAreFound_theCheckAboveCanFail() {
    assertTrue(implementedOperations().contains("post /api/v1/collaborations"));
  }

  private static Set<String> implementedOperations() {
    Set<String> operations = new TreeSet<>();
    for (JavaClass javaClass :
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cleanroom.server")) {
      if (!javaClass.isAnnotatedWith(Path.class)) {
        continue;
      }
      Class<?> type = javaClass.reflect();
      String base = type.getAnnotation(Path.class).value();
      for (Method method : type.getMethods()) {
        for (Map.Entry<Class<? extends Annotation>, String> verb : VERBS.entrySet()) {
          if (method.isAnnotationPresent(verb.getKey())) {
            Path sub = method.getAnnotation(Path.class);
            operations.add(
                verb.getValue() + " " + normalise(join(base, sub == null ? "" : sub.value())));
          }
        }
      }
    }
    return operations;
  }

  private static Set<String> documentedOperations() throws IOException {
    String document;
    try (InputStream in = OpenApiResource.class.getResourceAsStream(OpenApiResource.DOCUMENT)) {
      document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Set<String> operations = new TreeSet<>();
    String currentPath = null;
    for (String line : List.of(document.split("\n"))) {
      Matcher path = PATH_LINE.matcher(line);
      if (path.matches()) {
        currentPath = path.group(1);
        continue;
      }
      if (!line.startsWith("    ") && !line.isBlank()) {
        currentPath = line.startsWith("  ") ? currentPath : null;
      }
      Matcher method = METHOD_LINE.matcher(line);
      if (currentPath != null && method.matches()) {
        operations.add(method.group(1).toLowerCase(Locale.ROOT) + " " + normalise(currentPath));
      }
    }
    return operations;
  }

  private static String join(String base, String sub) {
    String joined = ("/" + base + "/" + sub).replaceAll("/+", "/");
    return joined.length() > 1 && joined.endsWith("/")
        ? joined.substring(0, joined.length() - 1)
        : joined;
  }

  private static String normalise(String path) {
    return path.replaceAll("\\{[^}]+}", "{}");
  }
}
