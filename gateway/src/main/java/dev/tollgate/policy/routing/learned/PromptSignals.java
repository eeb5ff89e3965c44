package dev.tollgate.policy.routing.learned;

import java.util.List;

/**
 * A few dense, named signals of a prompt that n-grams see badly: its length, how much of it is digits
 * and math, and the shape of the question (multiple-choice options, numeric options, negations such as
 * "NOT" and "EXCEPT", Roman-numeral combinations, two statements to judge). The boosted trees of a
 * router model read them beside the heads' outputs. Only the first {@code maxChars} characters are
 * scanned; the length signal counts all of them.
 */
public final class PromptSignals {

    /** The signal names, in the order of {@link #of}'s values; a model file records them. */
    public static final List<String> NAMES = List.of(
            "log_chars", "log_question_chars", "log_option_chars", "options", "log_numbers", "digit_share",
            "numeric_option_share", "math_symbols_per_100", "negation", "two_statements", "roman_numerals",
            "log_sentences", "mean_word_length", "question_marks", "percent_or_fraction", "money", "code", "log_lines");

    private PromptSignals() {
    }

    public static float[] of(String prompt, int maxChars) {
        String text = prompt.length() > maxChars ? prompt.substring(0, maxChars) : prompt;
        Counts c = new Counts();
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            c.line(text, start, end);
            start = end + 1;
        }
        c.scan(text);
        return new float[] {
            log(prompt.length()), log(c.questionChars), log(c.optionChars), c.options, log(c.numbers),
            ratio(c.digits, text.length()), ratio(c.numericOptions, c.options), 100f * ratio(c.mathSymbols, text.length()),
            c.negation ? 1 : 0, text.contains("Statement 1") ? 1 : 0, c.roman ? 1 : 0, log(c.sentences),
            ratio(c.letters, c.words), c.questionMarks, c.percentOrFraction ? 1 : 0, text.indexOf('$') >= 0 ? 1 : 0,
            c.code ? 1 : 0, log(c.lines),
        };
    }

    private static float log(int n) {
        return (float) Math.log1p(n);
    }

    private static float ratio(int a, int b) {
        return b == 0 ? 0 : (float) a / b;
    }

    /** Counters filled by one pass over the lines and one over the characters. */
    private static final class Counts {
        int lines;
        int options;
        int numericOptions;
        int optionChars;
        int questionChars;
        int numbers;
        int digits;
        int letters;
        int words;
        int mathSymbols;
        int sentences;
        int questionMarks;
        boolean negation;
        boolean roman;
        boolean percentOrFraction;
        boolean code;

        void line(String text, int start, int end) {
            lines++;
            int length = end - start;
            // "A. text" .. "J. text": a multiple-choice option line.
            if (length >= 3 && text.charAt(start) >= 'A' && text.charAt(start) <= 'J' && text.charAt(start + 1) == '.'
                    && text.charAt(start + 2) == ' ') {
                options++;
                optionChars += length - 3;
                if (numeric(text, start + 3, end)) {
                    numericOptions++;
                }
            } else if (!text.startsWith("Answer:", start)) {
                questionChars += length;
                for (int i = start; i < end; i++) {
                    char ch = text.charAt(i);
                    if ((ch == '.' || ch == '?' || ch == '!') && (i + 1 == end || text.charAt(i + 1) == ' ')) {
                        sentences++;
                    }
                }
            }
        }

        /** An option that is mostly a number, a quantity or a formula: "$12.50", "3/4", "2.3 m/s". */
        private static boolean numeric(String text, int start, int end) {
            int digitCount = 0;
            int letterCount = 0;
            for (int i = start; i < end; i++) {
                char ch = text.charAt(i);
                if (Character.isDigit(ch)) {
                    digitCount++;
                } else if (Character.isLetter(ch)) {
                    letterCount++;
                }
            }
            return digitCount > 0 && letterCount <= 6;
        }

        void scan(String text) {
            boolean inNumber = false;
            boolean inWord = false;
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                boolean digit = Character.isDigit(ch);
                boolean letter = Character.isLetter(ch);
                if (digit) {
                    digits++;
                    if (!inNumber) {
                        numbers++;
                    }
                } else if (letter) {
                    letters++;
                    if (!inWord) {
                        words++;
                    }
                }
                inNumber = digit || (inNumber && (ch == '.' || ch == ',') && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)));
                inWord = letter;
                switch (ch) {
                    case '=', '+', '*', '^', '<', '>', '×', '÷', '√', '∫', '∑', '≤', '≥' -> mathSymbols++;
                    case '/' -> {
                        mathSymbols++;
                        percentOrFraction |= i > 0 && Character.isDigit(text.charAt(i - 1));
                    }
                    case '%' -> percentOrFraction = true;
                    case '?' -> questionMarks++;
                    case '{', '}', ';' -> code = true;
                    default -> {
                    }
                }
            }
            negation = containsWord(text, "NOT") || containsWord(text, "EXCEPT") || containsWord(text, "LEAST");
            roman = containsWord(text, "II") || containsWord(text, "III");
            code |= text.contains("def ") || text.contains("return ") || text.contains("print(");
            percentOrFraction |= text.contains("percent") || text.contains(" half") || text.contains(" third");
        }

        private static boolean containsWord(String text, String word) {
            for (int at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) {
                int end = at + word.length();
                boolean before = at == 0 || !Character.isLetterOrDigit(text.charAt(at - 1));
                boolean after = end == text.length() || !Character.isLetterOrDigit(text.charAt(end));
                if (before && after) {
                    return true;
                }
            }
            return false;
        }
    }
}
