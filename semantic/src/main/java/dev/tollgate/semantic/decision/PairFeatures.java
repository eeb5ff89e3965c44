package dev.tollgate.semantic.decision;

import java.util.List;
import java.util.Optional;

/**
 * The features of a (cached, asked) pair that the learned decision weighs, and the critical-token rules that
 * refuse a hit whatever the weights say. The order of {@link #NAMES} is the order of the weights in the shipped
 * decision; changing it means retraining.
 */
public final class PairFeatures {

    public static final List<String> NAMES = List.of(
            "cosine", "cosine_over_0.8", "cosine_over_0.9", "cosine_over_0.95",
            "word_jaccard", "content_jaccard", "bigram_jaccard",
            "unmatched_content_a", "unmatched_content_b", "length_ratio", "log_length",
            "numbers_one_sided", "numbers_differ", "negation_parity_differs",
            "unmatched_names_a", "unmatched_names_b", "question_word_differs",
            "cosine_x_content_jaccard", "antonym_swap", "question_form", "cosine_x_question_form",
            "names_substituted", "numbers_substituted");

    /** Vetoes on negations, names and opposites apply to texts up to this many words; longer ones weigh them as features. */
    static final int SHORT = 20;

    private PairFeatures() {
    }

    public static double[] of(TextProfile a, TextProfile b, double cosine) {
        double contentJaccard = TextProfile.jaccard(a.content(), b.content());
        int unmatchedA = TextProfile.missing(a.content(), b.content());
        int unmatchedB = TextProfile.missing(b.content(), a.content());
        int numbersA = TextProfile.missing(a.numbers(), b.numbers());
        int numbersB = TextProfile.missing(b.numbers(), a.numbers());
        boolean bothNumbers = a.numbers().length > 0 && b.numbers().length > 0;
        int namesA = TextProfile.missing(a.entities(), b.words());
        int namesB = TextProfile.missing(b.entities(), a.words());
        int shorter = Math.min(a.length(), b.length());
        int longer = Math.max(a.length(), b.length());
        return new double[] {
                cosine, Math.max(0, cosine - 0.8), Math.max(0, cosine - 0.9), Math.max(0, cosine - 0.95),
                TextProfile.jaccard(a.words(), b.words()), contentJaccard, TextProfile.jaccard(a.bigrams(), b.bigrams()),
                Math.log1p(unmatchedA), Math.log1p(unmatchedB),
                longer == 0 ? 1 : shorter / (double) longer, Math.log1p(longer),
                !bothNumbers && numbersA + numbersB > 0 ? 1 : 0,
                bothNumbers && numbersA + numbersB > 0 ? 1 : 0,
                (a.negations() & 1) != (b.negations() & 1) ? 1 : 0,
                Math.log1p(namesA), Math.log1p(namesB),
                a.questions() != 0 && b.questions() != 0 && (a.questions() & b.questions()) == 0 ? 1 : 0,
                cosine * contentJaccard,
                antonymSwaps(a, b) + antonymSwaps(b, a),
                questionForm(a, b), cosine * questionForm(a, b),
                namesA > 0 && namesB > 0 ? 1 : 0,
                numbersA > 0 && numbersB > 0 ? 1 : 0,
        };
    }

    /** Opposites of {@code a}'s words that {@code b} has and {@code a} has not ("differ" against "similar"). */
    static int antonymSwaps(TextProfile a, TextProfile b) {
        int swaps = 0;
        for (int h : a.antonyms()) {
            if (java.util.Arrays.binarySearch(b.words(), h) >= 0 && java.util.Arrays.binarySearch(a.words(), h) < 0) {
                swaps++;
            }
        }
        return swaps;
    }

    private static double questionForm(TextProfile a, TextProfile b) {
        return (a.question() ? 0.5 : 0) + (b.question() ? 0.5 : 0);
    }

    /**
     * Why the pair must not share an answer whatever its similarity, or empty: they are in different scripts or
     * languages, each has a number the other lacks ("5" for "10"), or, in short texts (up to {@link #SHORT} words),
     * one has a number the other lacks ("the capital in 1800"), one negates what the other states, each names something the other does not ("Python" for "Java"), or a word is
     * swapped for its opposite ("buy" for "sell"). In longer texts those three are features the decision weighs.
     */
    public static Optional<String> veto(TextProfile a, TextProfile b) {
        if (a.script() != b.script()) {
            return Optional.of("different scripts (" + a.script() + ", " + b.script() + ")");
        }
        if (!a.language().isEmpty() && !b.language().isEmpty() && !a.language().equals(b.language())) {
            return Optional.of("different languages (" + a.language() + ", " + b.language() + ")");
        }
        if (TextProfile.missing(a.numbers(), b.numbers()) > 0 && TextProfile.missing(b.numbers(), a.numbers()) > 0) {
            return Optional.of("different numbers");
        }
        boolean small = Math.max(a.length(), b.length()) <= SHORT;
        if (small && a.numbers().length + b.numbers().length > 0
                && TextProfile.missing(a.numbers(), b.numbers()) + TextProfile.missing(b.numbers(), a.numbers()) > 0) {
            return Optional.of("a number on one side only");
        }
        if (small && (a.negations() & 1) != (b.negations() & 1)) {
            return Optional.of("one negates, the other does not");
        }
        if (small && TextProfile.missing(a.entities(), b.words()) > 0 && TextProfile.missing(b.entities(), a.words()) > 0) {
            return Optional.of("different names");
        }
        if (small && antonymSwaps(a, b) + antonymSwaps(b, a) > 0) {
            return Optional.of("opposite words");
        }
        return Optional.empty();
    }

}
