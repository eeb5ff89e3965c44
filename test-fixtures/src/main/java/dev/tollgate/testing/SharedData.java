package dev.tollgate.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The workplace's shared evaluation data ({@code shared/data/...} beside the checkout), which tests read
 * but the repository never ships: the routing prompts, the semantic-cache pairs. Looked up in
 * {@code $TOLLGATE_SHARED_DIR}, then in a {@code shared} folder beside any parent of the working directory.
 * Tests that need it are skipped when it is missing, unless {@code TOLLGATE_REQUIRE_SHARED_DATA=1}
 * (set by {@code .ci/run}), which makes its absence a failure.
 */
public final class SharedData {

    private SharedData() {
    }

    /** {@code shared/data/<relative>}, or the test is skipped (fails where the data is required). */
    public static Path require(String relative) {
        Optional<Path> found = find(relative);
        if (found.isEmpty()) {
            String message = "shared data file data/" + relative + " not found (set TOLLGATE_SHARED_DIR to the shared folder)";
            if ("1".equals(System.getenv("TOLLGATE_REQUIRE_SHARED_DATA"))) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return found.get();
    }

    public static Optional<Path> find(String relative) {
        for (Path root : roots()) {
            Path candidate = root.resolve("data").resolve(relative);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static List<Path> roots() {
        List<Path> roots = new ArrayList<>();
        String env = System.getenv("TOLLGATE_SHARED_DIR");
        if (env != null && !env.isBlank()) {
            roots.add(Path.of(env));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            roots.add(dir.resolve("shared"));
        }
        return roots;
    }
}
