package dev.tollgate.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of Prometheus' text exposition format 0.0.4, for tests of {@code /metrics}: it fails
 * (with the line number and why) on anything the format does not allow: a bad metric or label name, a
 * bad escape, an unquoted value, a number that is not one, a {@code TYPE} after its samples or twice, a
 * family's samples not together, a sample whose name does not fit its family's type, a series twice,
 * histogram buckets that are not cumulative or lack {@code +Inf}, a {@code +Inf} bucket unequal to
 * {@code _count}. Prometheus' own Java client has no text parser, hence this one.
 */
public final class PrometheusText {

    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    /** One sample line. */
    public record Sample(String name, Map<String, String> labels, double value) {

        public String label(String key) {
            return labels.get(key);
        }
    }

    /** A family: its name, type, help and samples in order. */
    public record Family(String name, String type, String help, List<Sample> samples) {
    }

    private final Map<String, Family> families;

    private PrometheusText(Map<String, Family> families) {
        this.families = families;
    }

    public Map<String, Family> families() {
        return Collections.unmodifiableMap(families);
    }

    /** Every sample named {@code name} (a {@code _total}, {@code _bucket}, ... name) whose labels include {@code labels}. */
    public List<Sample> samples(String name, Map<String, String> labels) {
        List<Sample> out = new ArrayList<>();
        for (Family f : families.values()) {
            for (Sample s : f.samples()) {
                if (s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** The sum of {@link #samples}: what a PromQL {@code sum(name{labels})} gives. */
    public double sum(String name, Map<String, String> labels) {
        return samples(name, labels).stream().mapToDouble(Sample::value).sum();
    }

    public double sum(String name) {
        return sum(name, Map.of());
    }

    /** Parses {@code text}; throws {@link IllegalArgumentException} naming the first line that breaks the format. */
    public static PrometheusText parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, String> types = new HashMap<>();
        Map<String, String> helps = new HashMap<>();
        Set<String> closed = new HashSet<>();
        Set<String> series = new HashSet<>();
        String current = null;
        String[] lines = text.split("\n", -1);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition does not end with a line feed");
        }
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int no = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                String[] parts = line.split(" ", 4);
                if (parts.length >= 3 && (parts[1].equals("HELP") || parts[1].equals("TYPE"))) {
                    String name = parts[2];
                    require(METRIC.matcher(name).matches(), no, "bad metric name in " + parts[1] + ": " + name);
                    require(!closed.contains(name) && (families.get(name) == null || families.get(name).samples().isEmpty()), no,
                            parts[1] + " for " + name + " after its samples");
                    if (parts[1].equals("TYPE")) {
                        require(parts.length == 4 && TYPES.contains(parts[3]), no, "unknown type: " + line);
                        require(types.put(name, parts[3]) == null, no, "a second TYPE for " + name);
                    } else {
                        require(helps.put(name, unescapeHelp(parts.length == 4 ? parts[3] : "", no)) == null, no, "a second HELP for " + name);
                    }
                    if (current != null && !current.equals(name)) {
                        closed.add(current);
                    }
                    current = name;
                    families.computeIfAbsent(name, n -> new Family(n, "untyped", "", new ArrayList<>()));
                }
                continue;
            }
            Sample sample = sample(line, no);
            String family = familyOf(sample.name(), types);
            require(!closed.contains(family), no, "a sample of " + family + " apart from the rest of its family");
            if (current != null && !current.equals(family)) {
                closed.add(current);
            }
            current = family;
            String type = types.getOrDefault(family, "untyped");
            checkName(sample, family, type, no);
            require(series.add(sample.name() + new TreeMap<>(sample.labels())), no, "the series " + sample.name() + sample.labels() + " twice");
            Family f = families.computeIfAbsent(family, n -> new Family(n, type, "", new ArrayList<>()));
            f.samples().add(sample);
        }
        Map<String, Family> typed = new LinkedHashMap<>();
        families.forEach((name, f) -> typed.put(name, new Family(name, types.getOrDefault(name, "untyped"), helps.getOrDefault(name, ""),
                List.copyOf(f.samples()))));
        typed.values().stream().filter(f -> f.type().equals("histogram")).forEach(PrometheusText::checkHistogram);
        return new PrometheusText(typed);
    }

    private static String familyOf(String sample, Map<String, String> types) {
        if (types.containsKey(sample)) {
            return sample;
        }
        for (String suffix : List.of("_bucket", "_count", "_sum")) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                String t = types.get(base);
                if ("histogram".equals(t) || "summary".equals(t) && !suffix.equals("_bucket")) {
                    return base;
                }
            }
        }
        return sample;
    }

    private static void checkName(Sample s, String family, String type, int no) {
        switch (type) {
            case "histogram" -> {
                require(s.name().equals(family + "_bucket") || s.name().equals(family + "_count") || s.name().equals(family + "_sum"), no,
                        "histogram " + family + " has a sample " + s.name());
                require(!s.name().endsWith("_bucket") || s.labels().containsKey("le"), no, "a bucket without le: " + s);
            }
            case "summary" -> require(s.name().equals(family) || s.name().equals(family + "_count") || s.name().equals(family + "_sum"), no,
                    "summary " + family + " has a sample " + s.name());
            case "counter", "gauge" -> {
                require(s.name().equals(family), no, type + " " + family + " has a sample " + s.name());
                require(!type.equals("counter") || s.value() >= 0 || Double.isNaN(s.value()), no, "a negative counter: " + s);
            }
            default -> { }
        }
    }

    /** Buckets cumulative in {@code le} order, ending in {@code +Inf}, which equals {@code _count}, per series. */
    private static void checkHistogram(Family f) {
        Map<Map<String, String>, TreeMap<Double, Double>> buckets = new HashMap<>();
        Map<Map<String, String>, Double> counts = new HashMap<>();
        for (Sample s : f.samples()) {
            Map<String, String> rest = new TreeMap<>(s.labels());
            String le = rest.remove("le");
            if (s.name().endsWith("_bucket")) {
                buckets.computeIfAbsent(rest, k -> new TreeMap<>()).put(number(le, 0), s.value());
            } else if (s.name().endsWith("_count")) {
                counts.put(rest, s.value());
            }
        }
        buckets.forEach((labels, byLe) -> {
            double previous = 0;
            for (double v : byLe.values()) {
                if (v < previous) {
                    throw new IllegalArgumentException("histogram " + f.name() + labels + ": buckets are not cumulative " + byLe);
                }
                previous = v;
            }
            if (!byLe.containsKey(Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("histogram " + f.name() + labels + " has no +Inf bucket");
            }
            if (!byLe.get(Double.POSITIVE_INFINITY).equals(counts.get(labels))) {
                throw new IllegalArgumentException("histogram " + f.name() + labels + ": +Inf bucket " + byLe.get(Double.POSITIVE_INFINITY)
                        + " differs from _count " + counts.get(labels));
            }
        });
    }

    private static Sample sample(String line, int no) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        require(METRIC.matcher(name).matches(), no, "bad metric name: " + name);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (true) {
                require(i < line.length(), no, "unclosed label set");
                if (line.charAt(i) == '}') {
                    i++;
                    break;
                }
                int eq = line.indexOf('=', i);
                require(eq > i, no, "a label without '='");
                String label = line.substring(i, eq);
                require(LABEL.matcher(label).matches(), no, "bad label name: " + label);
                require(eq + 1 < line.length() && line.charAt(eq + 1) == '"', no, "label " + label + ": the value is not quoted");
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                while (true) {
                    require(j < line.length(), no, "label " + label + ": unterminated value");
                    char c = line.charAt(j);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        require(j + 1 < line.length(), no, "a dangling backslash");
                        char e = line.charAt(j + 1);
                        value.append(switch (e) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw new IllegalArgumentException("line " + no + ": bad escape \\" + e);
                        });
                        j += 2;
                        continue;
                    }
                    value.append(c);
                    j++;
                }
                require(labels.put(label, value.toString()) == null, no, "label " + label + " twice");
                i = j + 1;
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                }
            }
        }
        require(i < line.length() && line.charAt(i) == ' ', no, "no space before the value");
        String[] rest = line.substring(i + 1).split(" ");
        require(rest.length == 1 || rest.length == 2, no, "expected a value and an optional timestamp: " + line);
        double value = number(rest[0], no);
        if (rest.length == 2) {
            try {
                Long.parseLong(rest[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + no + ": bad timestamp " + rest[1]);
            }
        }
        return new Sample(name, Collections.unmodifiableMap(labels), value);
    }

    private static double number(String text, int no) {
        switch (text) {
            case "+Inf", "Inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-Inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "NaN" -> {
                return Double.NaN;
            }
            default -> {
                require(text.matches("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?"), no, "not a number: " + text);
                return Double.parseDouble(text);
            }
        }
    }

    private static String unescapeHelp(String help, int no) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < help.length(); i++) {
            char c = help.charAt(i);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            require(i + 1 < help.length(), no, "a dangling backslash in HELP");
            char e = help.charAt(++i);
            require(e == '\\' || e == 'n', no, "bad escape in HELP: \\" + e);
            out.append(e == 'n' ? '\n' : '\\');
        }
        return out.toString();
    }

    private static void require(boolean ok, int line, String why) {
        if (!ok) {
            throw new IllegalArgumentException("line " + line + ": " + why);
        }
    }
}
