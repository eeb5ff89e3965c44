package dev.tollgate;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The package dependencies of STYLE.md ("Packages show the architecture"), checked on the main classes. */
class ArchitectureTest {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tollgate");

    @Test
    void importsTheMainClasses_andNoTests() {
        assertThat(MAIN.contain(Gateway.class)).isTrue();
        assertThat(MAIN.contain("dev.tollgate.model.Usage")).isTrue();
        assertThat(MAIN.contain(ArchitectureTest.class)).isFalse();
    }

    @Test
    void aDependencyThatExists_isSeen_soPassingRulesAreNotVacuous() {
        assertThatThrownBy(() -> noClasses().that().resideInAPackage("dev.tollgate.api..")
                .should().dependOnClassesThat().resideInAPackage("dev.tollgate.pipeline..")
                .check(MAIN))
                .isInstanceOf(AssertionError.class);
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
                .because("stores sit at the bottom: api -> pipeline -> policy -> provider / usage -> store")
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
