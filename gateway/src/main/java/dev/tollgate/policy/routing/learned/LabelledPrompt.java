package dev.tollgate.policy.routing.learned;

/**
 * One prompt with whether the weak and the strong model answered it correctly, as in
 * {@code shared/data/routing/*.jsonl}: {@code {"prompt", "weak_correct", "strong_correct", "source"}}.
 *
 * @param source where the prompt comes from ({@code mmlu/anatomy}, {@code gsm8k}, or a user's own task
 *               name); empty when the file has none. Its part before the first {@code /} is the group
 *               the evaluation reports on its own.
 */
public record LabelledPrompt(String prompt, boolean weakCorrect, boolean strongCorrect, String source) {

    public LabelledPrompt {
        if (prompt == null) {
            throw new IllegalArgumentException("prompt: null (expected: a string)");
        }
        source = source == null ? "" : source;
    }

    /** {@code mmlu} for {@code mmlu/anatomy}; the source itself when it has no {@code /}. */
    public String group() {
        int slash = source.indexOf('/');
        return slash < 0 ? source : source.substring(0, slash);
    }

    /** Strong correct minus weak correct: +1 where only the strong model is right, -1 where only the weak one is. */
    public int gain() {
        return (strongCorrect ? 1 : 0) - (weakCorrect ? 1 : 0);
    }
}
