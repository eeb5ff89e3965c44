package dev.tollgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The README and {@code docs/*.md} as a user reads them: every YAML example loads through the
 * configuration loader (an example marked {@code <!-- fragment -->} on the line before its fence only has
 * to be YAML), every JSON example is JSON, and every relative link, anchors included, resolves.
 */
class DocsExamplesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)\\)");
    /** The one problem an example cannot avoid: it names a price file the reader would have. */
    private static final Pattern UNREADABLE_PRICE_FILE = Pattern.compile("pricing\\.file: '.*' cannot be read .*");

    @TempDir
    Path dir;

    record Block(Path file, int line, String language, boolean fragment, String text) {
        @Override
        public String toString() {
            return ROOT.relativize(file) + ":" + line;
        }
    }

    /** The README and every file under docs/. */
    static List<Path> documents() throws IOException {
        List<Path> out = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    static List<Block> blocks(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("```") || line.length() == 3) {
                continue;
            }
            String language = line.substring(3).strip().toLowerCase(Locale.ROOT);
            boolean fragment = previousNonBlank(lines, i).equals("<!-- fragment -->");
            StringBuilder text = new StringBuilder();
            int start = i + 1;
            for (i = i + 1; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                text.append(lines.get(i)).append('\n');
            }
            out.add(new Block(file, start, language, fragment, text.toString()));
        }
        return out;
    }

    private static String previousNonBlank(List<String> lines, int index) {
        for (int i = index - 1; i >= 0; i--) {
            if (!lines.get(i).isBlank()) {
                return lines.get(i).strip();
            }
        }
        return "";
    }

    @Test
    void everyYamlExample_loadsThroughTheConfigLoader_orIsAMarkedFragmentThatParses() throws IOException {
        List<Block> yaml = new ArrayList<>();
        for (Path doc : documents()) {
            blocks(doc).stream().filter(b -> b.language().equals("yaml")).forEach(yaml::add);
        }
        assertThat(yaml).as("YAML examples in the docs").hasSizeGreaterThanOrEqualTo(10);

        for (Block block : yaml) {
            if (block.fragment()) {
                assertThat(YAMLMapper.builder().build().readTree(block.text())).as("%s parses as YAML", block).isNotNull();
                continue;
            }
            List<String> problems = problems(block);
            assertThat(problems).as("%s loads as a configuration", block).isEmpty();
        }
    }

    @Test
    void theSameModelsFallbackExample_servesThePlainNamesOnBothProviders() throws IOException {
        Block example = blocks(ROOT.resolve("docs/budgets.md")).stream()
                .filter(b -> b.language().equals("yaml") && b.text().contains("name: openai-backup")).findFirst().orElseThrow();

        TollgateConfig config = load(example);

        assertThat(config.providers()).extracting(ProviderConfig::name).containsExactly("openai", "openai-backup");
        assertThat(config.providers()).extracting(p -> p.upstreamName("gpt-4o-mini")).containsExactly("gpt-4o-mini", "gpt-4o-mini");
    }

    @Test
    void everyJsonExample_isJson() throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        int count = 0;
        for (Path doc : documents()) {
            for (Block block : blocks(doc)) {
                if (block.language().equals("json")) {
                    count++;
                    assertThat(json.readTree(block.text())).as("%s is JSON", block).isNotNull();
                }
            }
        }
        assertThat(count).as("JSON examples in the docs").isGreaterThanOrEqualTo(3);
    }

    @Test
    void everyRelativeLink_resolves_anchorsIncluded() throws IOException {
        List<String> broken = new ArrayList<>();
        int count = 0;
        for (Path doc : documents()) {
            for (String target : links(doc)) {
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http(s), mailto: not this test's business
                }
                count++;
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path file = path.isEmpty() ? doc : doc.getParent().resolve(path).normalize();
                if (!Files.exists(file)) {
                    broken.add(ROOT.relativize(doc) + ": " + target + " (no such file)");
                } else if (hash >= 0 && !anchors(file).contains(target.substring(hash + 1))) {
                    broken.add(ROOT.relativize(doc) + ": " + target + " (no such heading; there are " + anchors(file) + ")");
                }
            }
        }
        assertThat(broken).isEmpty();
        assertThat(count).as("relative links between README and docs").isGreaterThanOrEqualTo(10);
    }

    @Test
    void theReadme_isAnOverview_andLinksEveryDocsFile() throws IOException {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
        List<String> linked = links(ROOT.resolve("README.md"));

        assertThat(readme.size()).as("README lines").isLessThan(400);
        for (Path doc : documents().subList(1, documents().size())) {
            assertThat(linked).as("README links %s", ROOT.relativize(doc))
                    .anyMatch(l -> l.startsWith("docs/" + doc.getFileName()));
        }
    }

    private List<String> problems(Block block) throws IOException {
        try {
            load(block);
            return List.of();
        } catch (ConfigException e) {
            return e.problems().stream().filter(p -> !UNREADABLE_PRICE_FILE.matcher(p).matches()).toList();
        }
    }

    /** Loads an example with every variable it names set, as a reader following it would have them. */
    private TollgateConfig load(Block block) throws IOException {
        Map<String, String> env = new HashMap<>();
        Matcher m = VARIABLE.matcher(block.text());
        while (m.find()) {
            if (m.group(2) == null) { // a variable with a default reads as its default, as for a reader without it
                env.put(m.group(1), "example-" + m.group(1).toLowerCase(Locale.ROOT));
            }
        }
        Path file = Files.writeString(dir.resolve("example-" + block.line() + ".yaml"), block.text());
        return new ConfigLoader(env).load(Optional.of(file));
    }

    /** Link targets outside code blocks. */
    static List<String> links(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        boolean code = false;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("```")) {
                code = !code;
                continue;
            }
            if (!code) {
                Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", ""));
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    /** The heading anchors of a Markdown file, as GitHub makes them (duplicates get -1, -2, …). */
    static Set<String> anchors(Path file) throws IOException {
        Map<String, Integer> seen = new LinkedHashMap<>();
        Set<String> out = new TreeSet<>();
        boolean code = false;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("```")) {
                code = !code;
                continue;
            }
            if (code || !line.matches("#{1,6} .*")) {
                continue;
            }
            String slug = line.replaceFirst("#+ ", "").strip().toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum);
            out.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return out;
    }
}
