package dev.tollgate.policy.routing.learned;

import java.util.Arrays;
import java.util.Locale;

/**
 * Hashed word and character n-grams, the core router's featurizer: no vocabulary, no model file.
 *
 * <p>The text is lower-cased and cut into tokens: runs of letters, runs of digits, and single other
 * characters ({@code $ % = ?} ...). A number becomes its shape ({@code <n3>}: three digits), plus its
 * digits when it has at most two. Word n-grams up to {@link Spec#wordNgrams()} and character n-grams of
 * {@link Spec#minChars()}..{@link Spec#maxChars()} over the text with runs of white space made one
 * space are hashed (FNV-1a, finished with MurmurHash3's mix) into {@code 2^hashBits} buckets. A bucket's
 * value is {@code log(1 + count)}; the vector has unit length. Only the first
 * {@link Spec#maxTextChars()} characters are read, so a huge prompt costs no more than a long one.
 */
public final class HashedNgramFeaturizer implements PromptFeaturizer {

    /** The settings; part of a model file, since a model only works with the featurizer it was trained on. */
    public record Spec(int hashBits, int wordNgrams, int minChars, int maxChars, int maxTextChars) {

        public static final Spec DEFAULT = new Spec(18, 2, 3, 5, 2000);

        public Spec {
            if (hashBits < 8 || hashBits > 24) {
                throw new IllegalArgumentException("hash_bits: " + hashBits + " (expected: 8 to 24)");
            }
            if (wordNgrams < 1 || wordNgrams > 3) {
                throw new IllegalArgumentException("word_ngrams: " + wordNgrams + " (expected: 1 to 3)");
            }
            if (minChars != 0 && (minChars < 2 || maxChars < minChars || maxChars > 8)) {
                throw new IllegalArgumentException("char n-grams: " + minChars + ".." + maxChars
                        + " (expected: 0 for none, or 2 <= min <= max <= 8)");
            }
            if (maxTextChars < 100) {
                throw new IllegalArgumentException("max_text_chars: " + maxTextChars + " (expected: >= 100)");
            }
        }
    }

    private static final int WORD_SEED = 0x5bd1e995;
    private static final int CHAR_SEED = 0x1b873593;

    /** The token of a number of i digits ({@code <n1>} .. {@code <n5>}, five or more). */
    private static final int[] NUMBER_SHAPES = new int[6];

    static {
        for (int digits = 1; digits < NUMBER_SHAPES.length; digits++) {
            String shape = "<n" + digits + ">";
            NUMBER_SHAPES[digits] = fnv(WORD_SEED, shape, 0, shape.length());
        }
    }

    private final Spec spec;
    private final int mask;

    public HashedNgramFeaturizer(Spec spec) {
        this.spec = spec;
        this.mask = (1 << spec.hashBits()) - 1;
    }

    public Spec spec() {
        return spec;
    }

    @Override
    public String id() {
        return "hashed-ngrams(bits=" + spec.hashBits() + ",words=" + spec.wordNgrams() + ",chars=" + spec.minChars()
                + ".." + spec.maxChars() + ",max_text=" + spec.maxTextChars() + ")";
    }

    @Override
    public int dimension() {
        return 1 << spec.hashBits();
    }

    @Override
    public SparseFeatures featurize(String prompt) {
        String text = normalize(prompt);
        IntBuffer buckets = new IntBuffer(text.length() * (1 + spec.maxChars() - spec.minChars()) + 64);
        addWordNgrams(text, buckets);
        if (spec.minChars() > 0) {
            addCharNgrams(text, buckets);
        }
        return weigh(buckets.sorted());
    }

    /** Lower case, white space runs as one space, at most {@code maxTextChars}, padded with a space each side. */
    private String normalize(String prompt) {
        String head = prompt.length() > spec.maxTextChars() ? prompt.substring(0, spec.maxTextChars()) : prompt;
        String lower = head.toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(lower.length() + 2).append(' ');
        boolean space = true;
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (Character.isWhitespace(c)) {
                if (!space) {
                    out.append(' ');
                    space = true;
                }
            } else {
                out.append(c);
                space = false;
            }
        }
        if (!space) {
            out.append(' ');
        }
        return out.toString();
    }

    private void addWordNgrams(String text, IntBuffer out) {
        int[] recent = new int[spec.wordNgrams()];
        int seen = 0;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == ' ') {
                i++;
                continue;
            }
            int end = tokenEnd(text, i);
            int token;
            if (Character.isDigit(c)) {
                int digits = end - i;
                token = NUMBER_SHAPES[Math.min(digits, NUMBER_SHAPES.length - 1)];
                if (digits <= 2) {
                    out.add(fmix(fnv(WORD_SEED, text, i, end)) & mask);
                }
            } else {
                token = fnv(WORD_SEED, text, i, end);
            }
            // recent[0] is the newest token; n-gram of order m hashes the m newest, oldest first.
            System.arraycopy(recent, 0, recent, 1, recent.length - 1);
            recent[0] = token;
            seen++;
            out.add(fmix(token) & mask);
            int h = token;
            for (int m = 2; m <= spec.wordNgrams() && m <= seen; m++) {
                h = h * 0x01000193 ^ recent[m - 1] * 31 + m;
                out.add(fmix(h) & mask);
            }
            i = end;
        }
    }

    /** A token is a run of letters, a run of digits, or one other character. */
    private static int tokenEnd(String text, int start) {
        char c = text.charAt(start);
        int i = start + 1;
        if (Character.isLetter(c)) {
            while (i < text.length() && Character.isLetter(text.charAt(i))) {
                i++;
            }
        } else if (Character.isDigit(c)) {
            while (i < text.length() && Character.isDigit(text.charAt(i))) {
                i++;
            }
        }
        return i;
    }

    private void addCharNgrams(String text, IntBuffer out) {
        for (int i = 0; i < text.length(); i++) {
            int h = CHAR_SEED;
            for (int n = 1; n <= spec.maxChars() && i + n <= text.length(); n++) {
                h = (h ^ text.charAt(i + n - 1)) * 0x01000193;
                if (n >= spec.minChars()) {
                    out.add(fmix(h + n) & mask);
                }
            }
        }
    }

    private static SparseFeatures weigh(int[] sorted) {
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                distinct++;
            }
        }
        int[] indices = new int[distinct];
        float[] values = new float[distinct];
        int d = -1;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                indices[++d] = sorted[i];
            }
            values[d]++;
        }
        double norm = 0;
        for (int i = 0; i < distinct; i++) {
            values[i] = (float) Math.log1p(values[i]);
            norm += values[i] * values[i];
        }
        float scale = norm == 0 ? 0 : (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < distinct; i++) {
            values[i] *= scale;
        }
        return new SparseFeatures(indices, values);
    }

    private static int fnv(int seed, CharSequence s, int from, int to) {
        int h = 0x811c9dc5 ^ seed;
        for (int i = from; i < to; i++) {
            h = (h ^ s.charAt(i)) * 0x01000193;
        }
        return h;
    }

    /** MurmurHash3's finalizer: FNV alone spreads short keys badly over the low bits. */
    static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** A growable int array, sorted at the end: cheaper than a hash map for a few thousand entries. */
    private static final class IntBuffer {
        private int[] data;
        private int size;

        IntBuffer(int capacity) {
            data = new int[Math.max(16, capacity)];
        }

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] sorted() {
            int[] out = Arrays.copyOf(data, size);
            Arrays.sort(out);
            return out;
        }
    }
}
