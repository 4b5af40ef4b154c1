package dev.cleanroom.boundaries;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import com.tngtech.archunit.library.dependencies.SliceRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The import rules every module checks on its own main classes, in its {@code ArchitectureTest}.
 * Each rule fails when it checks no class at all, so a wrong root package cannot pass silently.
 */
public final class ModuleRules {
  /** The one package outside of which Bouncy Castle is never imported. */
  public static final String CRYPTO_PACKAGE = "dev.cleanroom.connectors.crypto";

  private static final String BOUNCY_CASTLE = "org.bouncycastle..";
  private static final String PROJECT = "dev.cleanroom..";

  private ModuleRules() {}

  /**
   * The compiled main classes of a module, found on the test class path: tests are excluded, and so
   * are the classes of another module whose root package lies below this one's.
   */
  public static JavaClasses mainClassesOf(ProjectModule module) {
    List<String> nestedModules = new ArrayList<>();
    for (ProjectModule other : ProjectModule.values()) {
      if (other.rootPackage().startsWith(module.rootPackage() + ".")) {
        nestedModules.add("/" + other.rootPackage().replace('.', '/') + "/");
      }
    }
    return new ClassFileImporter()
        .withImportOption(new ImportOption.DoNotIncludeTests())
        .withImportOption(location -> nestedModules.stream().noneMatch(location::contains))
        .importPackages(module.rootPackage());
  }

  /** No class of the module imports a library the module must not use. */
  public static ArchRule importsNoForbiddenLibrary(ProjectModule module) {
    String[] forbidden =
        module.forbiddenLibraries().stream()
            .flatMap(library -> library.packages().stream())
            .sorted()
            .toArray(String[]::new);
    return noClasses()
        .that()
        .resideInAPackage(module.rootPackage() + "..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .because(module + " must not use " + module.forbiddenLibraries() + " (DESIGN.md, Layout)");
  }

  /** Bouncy Castle is imported only by the connectors' crypto package, in every module. */
  public static ArchRule importsBouncyCastleOnlyInTheCryptoPackage() {
    return noClasses()
        .that()
        .resideOutsideOfPackage(CRYPTO_PACKAGE + "..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(BOUNCY_CASTLE)
        .because("one package holds the crypto (DESIGN.md, Encryption)");
  }

  /**
   * The module imports, of the project's packages, only its own and those of the modules it may
   * import; any other, including a module this list does not know yet, is a violation.
   */
  public static ArchRule importsOnlyTheModulesItMayUse(ProjectModule module) {
    List<String> allowed = new ArrayList<>();
    allowed.add(module.rootPackage() + "..");
    module.mayImport().forEach(other -> allowed.add(other.rootPackage() + ".."));
    return noClasses()
        .that()
        .resideInAPackage(module.rootPackage() + "..")
        .should()
        .dependOnClassesThat(
            resideInAPackage(PROJECT).and(not(resideInAnyPackage(allowed.toArray(String[]::new)))))
        .because(
            "libraries meet only through the SPI and in the server, and nothing imports the server"
                + " (DESIGN.md, Layout)");
  }

  /**
   * The module's packages directly below its root, and the root package itself, depend on each
   * other without a cycle. A module with a known cycle ignores that one dependency by name, with
   * {@link SliceRule#ignoreDependency}, so that any further cycle still fails.
   */
  public static SliceRule hasNoPackageCycles(ProjectModule module) {
    return slices()
        .assignedFrom(packagesDirectlyBelow(module.rootPackage()))
        .should()
        .beFreeOfCycles();
  }

  private static SliceAssignment packagesDirectlyBelow(String rootPackage) {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        String name = javaClass.getPackageName();
        if (name.equals(rootPackage)) {
          return SliceIdentifier.of(rootPackage);
        }
        if (!name.startsWith(rootPackage + ".")) {
          return SliceIdentifier.ignore();
        }
        String below = name.substring(rootPackage.length() + 1);
        int dot = below.indexOf('.');
        return SliceIdentifier.of(rootPackage + "." + (dot < 0 ? below : below.substring(0, dot)));
      }

      @Override
      public String getDescription() {
        return rootPackage + " and each package directly below it";
      }
    };
  }
}
