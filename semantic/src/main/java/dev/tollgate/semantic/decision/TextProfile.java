package dev.tollgate.semantic.decision;

import java.lang.Character.UnicodeScript;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the hit decision knows of a text besides its embedding: its words and the critical tokens a paraphrase
 * keeps but a different question changes (numbers, negations, names, the question word, the language).
 * Words are kept as sorted 32-bit hashes, so an entry costs a few bytes a word and never keeps its text.
 *
 * @param words     hashes of the distinct lower-cased words
 * @param content   hashes of the distinct words that are not stop words (numbers included)
 * @param bigrams   hashes of adjacent content-word pairs, in order
 * @param numbers   hashes of the numbers, digits and number words alike ("ten" = "10", "10k" = "10000")
 * @param entities  hashes of the names: capitalised words inside a sentence, acronyms, words with digits in them
 * @param antonyms  hashes of the opposites of its words ("differ" for "similar"), to find a swap in the other text
 * @param negations how many negating words
 * @param questions the question words present, as a bit set
 * @param question  whether it ends with a question mark
 * @param script    the dominant writing system
 * @param language  a Latin-script language guessed from function words, or {@code ""} when unsure
 * @param length    how many words
 */
public record TextProfile(int[] words, int[] content, int[] bigrams, int[] numbers, int[] entities, int[] antonyms,
                          int negations, int questions, boolean question, UnicodeScript script, String language, int length) {

    /** Text beyond this many characters is not profiled (the index refuses such prompts anyway). */
    public static final int MAX_CHARS = 32_000;

    public static TextProfile of(String text) {
        String cut = text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text;
        List<Token> tokens = tokens(cut);
        Set<String> words = new TreeSet<>();
        Set<String> content = new TreeSet<>();
        Set<String> bigrams = new TreeSet<>();
        Set<String> numbers = new TreeSet<>();
        Set<String> entities = new TreeSet<>();
        Set<String> antonyms = new TreeSet<>();
        int negations = 0;
        int questions = 0;
        String previous = null;
        for (Token t : tokens) {
            String w = t.lower();
            words.add(w);
            if (Lexicon.NEGATIONS.contains(w)) {
                negations++;
            }
            questions |= Lexicon.QUESTION_WORDS.getOrDefault(w, 0);
            String number = number(w);
            if (number != null) {
                numbers.add(number);
            }
            if (t.entity()) {
                entities.add(w);
            }
            String opposite = Lexicon.ANTONYMS.get(w);
            if (opposite != null) {
                antonyms.addAll(List.of(opposite.split(" ")));
            }
            if (number != null || !Lexicon.STOP_WORDS.contains(w)) {
                String word = number != null ? number : stem(w);
                content.add(word);
                if (previous != null) {
                    bigrams.add(previous + ' ' + word);
                }
                previous = word;
            }
        }
        return new TextProfile(hashes(words), hashes(content), hashes(bigrams), hashes(numbers), hashes(entities),
                hashes(antonyms), negations, questions, cut.strip().endsWith("?"), script(cut), language(words), tokens.size());
    }

    /** Bytes this profile keeps on the heap, roughly. */
    public long bytes() {
        return 96L + 4L * (words.length + content.length + bigrams.length + numbers.length + entities.length + antonyms.length);
    }

    record Token(String lower, boolean entity) {
    }

    /** Words of letters and digits; "can't" is one word "cant"; sentence starts are not names. */
    static List<Token> tokens(String text) {
        List<Token> out = new ArrayList<>();
        boolean sentenceStart = true;
        int i = 0;
        int n = text.length();
        while (i < n) {
            int c = text.codePointAt(i);
            if (!Character.isLetterOrDigit(c)) {
                if (c == '.' || c == '?' || c == '!' || c == '\n' || c == ':' || c == ';') {
                    sentenceStart = true;
                }
                i += Character.charCount(c);
                continue;
            }
            StringBuilder word = new StringBuilder();
            int j = i;
            while (j < n) {
                int d = text.codePointAt(j);
                if (Character.isLetterOrDigit(d)) {
                    word.appendCodePoint(d);
                } else if ((d == '\'' || d == '’') && j + 1 < n && Character.isLetter(text.codePointAt(j + 1)) && !word.isEmpty()) {
                    // an apostrophe inside a word: "can't" -> "cant", "don't" -> "dont"
                } else if ((d == '.' || d == ',') && j + 1 < n && Character.isDigit(text.codePointAt(j + 1))
                        && !word.isEmpty() && Character.isDigit(word.codePointBefore(word.length()))) {
                    if (d == '.') {
                        word.append('.');
                    }
                } else {
                    break;
                }
                j += Character.charCount(d);
            }
            String raw = word.toString();
            out.add(new Token(fold(raw), !sentenceStart && isName(raw) || isAcronymOrCode(raw)));
            sentenceStart = false;
            i = j;
        }
        return out;
    }

    /** A light suffix stripper, so "services" meets "service" and "drawing" meets "draw". */
    static String stem(String w) {
        int n = w.length();
        if (n > 5 && w.endsWith("ing")) {
            return w.substring(0, n - 3);
        }
        if (n > 4 && w.endsWith("ies")) {
            return w.substring(0, n - 3) + "y";
        }
        if (n > 4 && w.endsWith("ed") && !w.endsWith("eed")) {
            return w.substring(0, n - 2);
        }
        if (n > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
            return w.substring(0, n - 1);
        }
        return w;
    }

    /** Lower case without accents, so "Pokémon" and "pokemon" are one word. */
    static String fold(String raw) {
        String lower = raw.toLowerCase(Locale.ROOT);
        for (int k = 0; k < lower.length(); k++) {
            if (lower.charAt(k) > 0x7f) {
                return java.text.Normalizer.normalize(lower, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}+", "");
            }
        }
        return lower;
    }

    private static boolean isName(String raw) {
        return Character.isUpperCase(raw.codePointAt(0)) && !raw.equals("I");
    }

    private static boolean isAcronymOrCode(String raw) {
        if (raw.length() < 2) {
            return false;
        }
        boolean letters = false;
        boolean digits = false;
        boolean allUpper = true;
        for (int k = 0; k < raw.length(); k++) {
            char ch = raw.charAt(k);
            letters |= Character.isLetter(ch);
            digits |= Character.isDigit(ch);
            allUpper &= !Character.isLetter(ch) || Character.isUpperCase(ch);
        }
        return letters && (digits || allUpper);
    }

    /** The normalised number a word stands for, or {@code null}. */
    static String number(String w) {
        String word = Lexicon.NUMBER_WORDS.get(w);
        if (word != null) {
            return word;
        }
        if (!Character.isDigit(w.charAt(0))) {
            return null;
        }
        int end = 0;
        while (end < w.length() && (Character.isDigit(w.charAt(end)) || w.charAt(end) == '.')) {
            end++;
        }
        String digits = w.substring(0, end);
        String suffix = w.substring(end);
        return switch (suffix) {
            case "k" -> scaled(digits, 1_000);
            case "m", "mn" -> scaled(digits, 1_000_000);
            case "", "st", "nd", "rd", "th", "s" -> digits + (suffix.equals("s") || suffix.isEmpty() ? "" : suffix);
            default -> w; // a unit or a code ("5g", "10kg"): the whole token is what must match
        };
    }

    private static String scaled(String digits, long factor) {
        try {
            return new java.math.BigDecimal(digits).multiply(java.math.BigDecimal.valueOf(factor)).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return digits + "x" + factor;
        }
    }

    static UnicodeScript script(String text) {
        Map<UnicodeScript, Integer> counts = new HashMap<>();
        text.codePoints().filter(Character::isLetter).forEach(c -> counts.merge(UnicodeScript.of(c), 1, Integer::sum));
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(UnicodeScript.COMMON);
    }

    /** The language whose function words the text uses most, when it uses at least two and clearly more. */
    static String language(Set<String> words) {
        String best = "";
        int bestCount = 0;
        int second = 0;
        for (var e : Lexicon.LANGUAGES.entrySet()) {
            int count = 0;
            for (String w : e.getValue()) {
                if (words.contains(w)) {
                    count++;
                }
            }
            if (count > bestCount) {
                second = bestCount;
                bestCount = count;
                best = e.getKey();
            } else if (count > second) {
                second = count;
            }
        }
        return bestCount >= 2 && bestCount > second ? best : "";
    }

    private static int[] hashes(Set<String> values) {
        int[] out = new int[values.size()];
        int k = 0;
        for (String v : values) {
            out[k++] = v.hashCode() * 0x9E3779B1;
        }
        Arrays.sort(out);
        return out;
    }

    /** How many of {@code a}'s hashes {@code b} lacks (both sorted). */
    static int missing(int[] a, int[] b) {
        int count = 0;
        for (int x : a) {
            if (Arrays.binarySearch(b, x) < 0) {
                count++;
            }
        }
        return count;
    }

    static double jaccard(int[] a, int[] b) {
        if (a.length == 0 && b.length == 0) {
            return 1;
        }
        int shared = a.length - missing(a, b);
        return shared / (double) (a.length + b.length - shared);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TextProfile p && Arrays.equals(words, p.words) && Arrays.equals(entities, p.entities)
                && Arrays.equals(numbers, p.numbers) && negations == p.negations && length == p.length;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(words) * 31 + length;
    }

    @Override
    public String toString() {
        return "TextProfile[" + length + " words, " + numbers.length + " numbers, " + entities.length + " names, "
                + negations + " negations, " + script + (language.isEmpty() ? "" : ", " + language) + "]";
    }
}
