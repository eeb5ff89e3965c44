package dev.tollgate;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The package layering as the code really has it (docs/architecture.md draws it and says where it differs
 * from STYLE.md's arrow), checked on the main classes; and proof that the rules catch a violation.
 */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tollgate");

    /** A test class in {@code usage} that implements a pipeline interface (package-private, so named by string). */
    private static final String VIOLATION = "dev.tollgate.usage.ArchitectureViolationSample";

    /** The main classes plus one test class in {@code usage} that reaches into {@code pipeline}. */
    private static final JavaClasses WITH_VIOLATION = new ClassFileImporter()
            .importPackages("dev.tollgate.usage", "dev.tollgate.pipeline", "dev.tollgate.store", "dev.tollgate.model");

    /**
     * From the outside in. A layer may use every layer below it, never one above: the composition root
     * ({@code Gateway} and its parts, the CLI) wires the HTTP routes, which run the policies' stages, which
     * plug into the pipeline kernel, which calls providers, which count tokens with {@code usage}, which
     * reads and writes the stores; configuration and the canonical model are the vocabulary of all.
     */
    private static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Composition").definedBy(resideInAPackage("dev.tollgate").or(resideInAPackage("dev.tollgate.cli..")))
            .layer("Http").definedBy("dev.tollgate.api..", "dev.tollgate.admin..")
            .layer("Policy").definedBy("dev.tollgate.policy..", "dev.tollgate.alerts..", "dev.tollgate.metrics..")
            .layer("Pipeline").definedBy("dev.tollgate.pipeline..")
            .layer("Provider").definedBy("dev.tollgate.provider..")
            .layer("Usage").definedBy("dev.tollgate.usage..")
            .layer("Store").definedBy("dev.tollgate.store..")
            .layer("Config").definedBy("dev.tollgate.config..")
            .layer("Model").definedBy("dev.tollgate.model..")
            .whereLayer("Composition").mayNotBeAccessedByAnyLayer()
            .whereLayer("Http").mayOnlyBeAccessedByLayers("Composition")
            .whereLayer("Policy").mayOnlyBeAccessedByLayers("Composition", "Http")
            .whereLayer("Pipeline").mayOnlyBeAccessedByLayers("Composition", "Http", "Policy")
            .whereLayer("Provider").mayOnlyBeAccessedByLayers("Composition", "Http", "Policy", "Pipeline")
            .whereLayer("Usage").mayOnlyBeAccessedByLayers("Composition", "Http", "Policy", "Pipeline", "Provider")
            .whereLayer("Store").mayOnlyBeAccessedByLayers("Composition", "Http", "Policy", "Pipeline", "Usage")
            .whereLayer("Config").mayOnlyBeAccessedByLayers("Composition", "Http", "Policy", "Pipeline", "Provider", "Usage")
            .because("dependencies point one way, from the edges in (docs/architecture.md)");

    private static final ArchRule NO_CYCLES = slices().matching("dev.tollgate.(*)..").should().beFreeOfCycles()
            .because("no two top-level packages may depend on each other, however indirectly");

    private static final ArchRule USAGE_WITHOUT_PIPELINE = noClasses().that().resideInAPackage("dev.tollgate.usage..")
            .should().dependOnClassesThat().resideInAPackage("dev.tollgate.pipeline..")
            .because("pricing and token counting sit below the pipeline, which uses them to settle a call");

    private static final ArchRule API_WITHOUT_WIRE = noClasses().that().resideInAPackage("dev.tollgate.api..")
            .should().dependOnClassesThat().resideInAPackage("dev.tollgate.provider.*.wire..")
            .because("an inbound dialect has its own vocabulary; an upstream's wire records belong to its adapter");

    @Test
    void importsTheMainClasses_andNoTests() {
        assertThat(MAIN.contain(Gateway.class)).isTrue();
        assertThat(MAIN.contain("dev.tollgate.model.Usage")).isTrue();
        assertThat(MAIN.contain(ArchitectureTest.class)).isFalse();
        assertThat(MAIN.contain(VIOLATION)).isFalse();
    }

    @Test
    void aDependencyThatExists_isSeen_soPassingRulesAreNotVacuous() {
        assertThatThrownBy(() -> noClasses().that().resideInAPackage("dev.tollgate.api..")
                .should().dependOnClassesThat().resideInAPackage("dev.tollgate.pipeline..")
                .check(MAIN))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void theRules_catchAForbiddenImport() {
        assertThat(WITH_VIOLATION.contain(VIOLATION)).isTrue();
        for (ArchRule rule : List.of(LAYERS, USAGE_WITHOUT_PIPELINE)) {
            assertThatThrownBy(() -> rule.check(WITH_VIOLATION))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining(VIOLATION);
        }
        assertThatThrownBy(() -> NO_CYCLES.check(WITH_VIOLATION)).isInstanceOf(AssertionError.class);
    }

    @Test
    void packagesLayerFromTheEdgesIn() {
        LAYERS.check(MAIN);
    }

    @Test
    void topLevelPackages_areFreeOfCycles() {
        NO_CYCLES.check(MAIN);
    }

    @Test
    void usage_neverUsesThePipeline() {
        USAGE_WITHOUT_PIPELINE.check(MAIN);
    }

    @Test
    void api_neverUsesAProvidersWireRecords() {
        API_WITHOUT_WIRE.check(MAIN);
    }

    @Test
    void model_dependsOnNoOtherTollgatePackage() {
        classes().that().resideInAPackage("dev.tollgate.model..")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.tollgate..")
                        .or(resideInAPackage("dev.tollgate.model..")))
                .because("the canonical model is the vocabulary every layer shares")
                .check(MAIN);
    }

    @Test
    void store_dependsOnlyOnModel() {
        classes().that().resideInAPackage("dev.tollgate.store..")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage("dev.tollgate..")
                        .or(resideInAnyPackage("dev.tollgate.store..", "dev.tollgate.model..")))
                .because("stores sit at the bottom, below everything that reads or writes them")
                .check(MAIN);
    }

    @Test
    void providers_doNotDependOnApiPipelinePolicyOrCli() {
        noClasses().that().resideInAPackage("dev.tollgate.provider..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.tollgate.api..", "dev.tollgate.pipeline..", "dev.tollgate.policy..", "dev.tollgate.cli..")
                .because("adapters talk to upstreams; the request path calls them, never the other way round")
                .check(MAIN);
    }

    @Test
    void onlyCliAndTheRootPackage_dependOnCliOrGateway() {
        noClasses().that().resideOutsideOfPackages("dev.tollgate.cli..", "dev.tollgate")
                .should().dependOnClassesThat(resideInAPackage("dev.tollgate.cli..").or(type(Gateway.class)))
                .because("Gateway wires everything together and the CLI starts it; nothing inside may reach back up")
                .check(MAIN);
    }

    @Test
    void api_isNotDependedOnByInnerLayers() {
        noClasses().that().resideInAnyPackage("dev.tollgate.pipeline..", "dev.tollgate.policy..", "dev.tollgate.provider..",
                        "dev.tollgate.usage..", "dev.tollgate.store..", "dev.tollgate.model..", "dev.tollgate.config..")
                .should().dependOnClassesThat().resideInAPackage("dev.tollgate.api..")
                .because("inbound dialects are the outermost layer")
                .check(MAIN);
    }
}
