package dev.tollgate.policy.routing.learned;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The router model file ({@code *.tgrm}): gzip of a big-endian {@link DataOutputStream} stream.
 *
 * <pre>
 * "TGRM"  int version (1)
 * int n, n bytes UTF-8 JSON header:
 *   {"featurizer": {"kind": "hashed-ngrams", "hash_bits", "word_ngrams", "min_chars", "max_chars", "max_text_chars"},
 *    "signals": [names...], "heads": [names...], "score": "...",
 *    "operating_points": {"thresholds": [101], "strong_shares": [101], "weak_accuracy", "strong_accuracy", "calibration_size"},
 *    "training": {key: text}}
 * per head:  int dimension, float bias, dimension × half-precision weights (short, IEEE 754 binary16)
 * trees:     double base, int roots, roots × int, int nodes, nodes × (int feature, float threshold, int left, int right, float value)
 * </pre>
 *
 * Every part is checked on reading (magic, version, featurizer, head and signal names, sizes, tree
 * structure); a file that does not fit gives a {@link RouterDataException} that says which part.
 */
public final class RouterModelFile {

    private static final byte[] MAGIC = {'T', 'G', 'R', 'M'};
    private static final int VERSION = 1;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String BUNDLED = "/dev/tollgate/policy/routing/learned/router-v1.tgrm";

    private RouterModelFile() {
    }

    /** The model shipped in the jar (see {@code NOTICE.md} beside it). */
    public static RouterModel bundled() {
        try (InputStream in = RouterModelFile.class.getResourceAsStream(BUNDLED)) {
            if (in == null) {
                throw new IllegalStateException("the bundled router model is missing from the jar: " + BUNDLED);
            }
            return read(in, "the bundled router model");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the bundled router model", e);
        }
    }

    public static RouterModel read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new RouterDataException(file + ": no such file");
        } catch (IOException e) {
            throw new RouterDataException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    public static void write(RouterModel model, Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            write(model, out);
        } catch (IOException e) {
            throw new RouterDataException(file + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    static void write(RouterModel model, OutputStream raw) throws IOException {
        if (!(model.featurizer() instanceof HashedNgramFeaturizer hashed)) {
            throw new IllegalArgumentException("only models of the hashed n-gram featurizer have a file format yet, not " + model.featurizer().id());
        }
        GZIPOutputStream zip = new GZIPOutputStream(new BufferedOutputStream(raw));
        DataOutputStream out = new DataOutputStream(zip);
        out.write(MAGIC);
        out.writeInt(VERSION);
        byte[] header = JSON.writeValueAsBytes(header(model, hashed.spec()));
        out.writeInt(header.length);
        out.write(header);
        for (LogisticHead head : model.heads()) {
            out.writeInt(head.dimension());
            out.writeFloat(head.bias());
            for (float w : head.weights()) {
                out.writeShort(Float.floatToFloat16(w));
            }
        }
        BoostedTrees t = model.trees();
        out.writeDouble(t.base());
        out.writeInt(t.roots().length);
        for (int r : t.roots()) {
            out.writeInt(r);
        }
        out.writeInt(t.feature().length);
        for (int i = 0; i < t.feature().length; i++) {
            out.writeInt(t.feature()[i]);
            out.writeFloat(t.threshold()[i]);
            out.writeInt(t.left()[i]);
            out.writeInt(t.right()[i]);
            out.writeFloat(t.value()[i]);
        }
        out.flush();
        zip.finish();
        zip.flush();
    }

    private static ObjectNode header(RouterModel model, HashedNgramFeaturizer.Spec spec) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode f = root.putObject("featurizer");
        f.put("kind", "hashed-ngrams");
        f.put("hash_bits", spec.hashBits());
        f.put("word_ngrams", spec.wordNgrams());
        f.put("min_chars", spec.minChars());
        f.put("max_chars", spec.maxChars());
        f.put("max_text_chars", spec.maxTextChars());
        root.put("signal_chars", model.signalChars());
        PromptSignals.NAMES.forEach(root.putArray("signals")::add);
        RouterModel.HEADS.forEach(root.putArray("heads")::add);
        root.put("score", "(1 + E[strong_correct - weak_correct]) / 2");
        OperatingPoints p = model.operatingPoints();
        ObjectNode op = root.putObject("operating_points");
        var thresholds = op.putArray("thresholds");
        for (double v : p.thresholds()) {
            if (Double.isInfinite(v)) {
                thresholds.add(v > 0 ? "Infinity" : "-Infinity");
            } else {
                thresholds.add(v);
            }
        }
        var shares = op.putArray("strong_shares");
        for (double v : p.strongShares()) {
            shares.add(v);
        }
        op.put("weak_accuracy", p.weakAccuracy());
        op.put("strong_accuracy", p.strongAccuracy());
        op.put("calibration_size", p.calibrationSize());
        ObjectNode training = root.putObject("training");
        model.training().forEach(training::put);
        return root;
    }

    static RouterModel read(InputStream raw, String name) {
        try {
            DataInputStream in = new DataInputStream(new GZIPInputStream(new BufferedInputStream(raw)));
            byte[] magic = in.readNBytes(4);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new RouterDataException(name + ": not a Tollgate router model (no TGRM mark)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new RouterDataException(name + ": model format version " + version + " (this Tollgate reads version " + VERSION + ")");
            }
            int headerLength = in.readInt();
            if (headerLength <= 0 || headerLength > 16 << 20) {
                throw new RouterDataException(name + ": header of " + headerLength + " bytes (damaged file)");
            }
            JsonNode header = JSON.readTree(new String(in.readNBytes(headerLength), StandardCharsets.UTF_8));
            HashedNgramFeaturizer featurizer = featurizer(header.path("featurizer"), name);
            expectNames(header, "signals", PromptSignals.NAMES, name);
            expectNames(header, "heads", RouterModel.HEADS, name);
            List<LogisticHead> heads = new ArrayList<>();
            for (String head : RouterModel.HEADS) {
                int dimension = in.readInt();
                if (dimension != featurizer.dimension()) {
                    throw new RouterDataException(name + ": head " + head + " has dimension " + dimension + " (expected: " + featurizer.dimension() + ")");
                }
                float bias = in.readFloat();
                float[] w = new float[dimension];
                for (int i = 0; i < dimension; i++) {
                    w[i] = Float.float16ToFloat(in.readShort());
                }
                heads.add(new LogisticHead(w, bias));
            }
            BoostedTrees trees = trees(in, name);
            if (in.read() != -1) {
                throw new RouterDataException(name + ": data after the trees (damaged file)");
            }
            return new RouterModel(featurizer, header.path("signal_chars").asInt(featurizer.spec().maxTextChars()), heads, trees,
                    operatingPoints(header.path("operating_points"), name), training(header.path("training")));
        } catch (EOFException e) {
            throw new RouterDataException(name + ": ends too early (truncated file)");
        } catch (ZipException e) {
            throw new RouterDataException(name + ": not a Tollgate router model (not gzip data)");
        } catch (JacksonException e) {
            throw new RouterDataException(name + ": header is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IllegalArgumentException e) {
            throw new RouterDataException(name + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new RouterDataException(name + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    private static HashedNgramFeaturizer featurizer(JsonNode f, String name) {
        if (!"hashed-ngrams".equals(f.path("kind").asString(""))) {
            throw new RouterDataException(name + ": featurizer " + f.path("kind") + " (this Tollgate has: hashed-ngrams)");
        }
        return new HashedNgramFeaturizer(new HashedNgramFeaturizer.Spec(f.path("hash_bits").asInt(0), f.path("word_ngrams").asInt(0),
                f.path("min_chars").asInt(0), f.path("max_chars").asInt(0), f.path("max_text_chars").asInt(0)));
    }

    private static void expectNames(JsonNode header, String field, List<String> expected, String name) {
        List<String> found = new ArrayList<>();
        header.path(field).forEach(n -> found.add(n.asString("")));
        if (!found.equals(expected)) {
            throw new RouterDataException(name + ": " + field + " " + found + " (this Tollgate computes " + expected + ")");
        }
    }

    private static BoostedTrees trees(DataInputStream in, String name) throws IOException {
        double base = in.readDouble();
        int rootCount = in.readInt();
        if (rootCount < 0 || rootCount > 1_000_000) {
            throw new RouterDataException(name + ": " + rootCount + " trees (damaged file)");
        }
        int[] roots = new int[rootCount];
        for (int i = 0; i < rootCount; i++) {
            roots[i] = in.readInt();
        }
        int nodes = in.readInt();
        if (nodes < 0 || nodes > 10_000_000) {
            throw new RouterDataException(name + ": " + nodes + " tree nodes (damaged file)");
        }
        int[] feature = new int[nodes];
        float[] threshold = new float[nodes];
        int[] left = new int[nodes];
        int[] right = new int[nodes];
        float[] value = new float[nodes];
        for (int i = 0; i < nodes; i++) {
            feature[i] = in.readInt();
            threshold[i] = in.readFloat();
            left[i] = in.readInt();
            right[i] = in.readInt();
            value[i] = in.readFloat();
        }
        return new BoostedTrees(base, roots, feature, threshold, left, right, value);
    }

    private static OperatingPoints operatingPoints(JsonNode op, String name) {
        double[] thresholds = doubles(op.path("thresholds"));
        double[] shares = doubles(op.path("strong_shares"));
        return new OperatingPoints(thresholds, shares, op.path("weak_accuracy").asDouble(0), op.path("strong_accuracy").asDouble(0),
                op.path("calibration_size").asInt(0));
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = array.get(i);
            // JSON has no infinity: written as the string "Infinity" / "-Infinity".
            out[i] = v.isNumber() ? v.asDouble() : Double.parseDouble(v.asString("NaN"));
        }
        return out;
    }

    private static Map<String, String> training(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asString("")));
        return out;
    }
}
