package dev.tollgate.policy.routing.learned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HashedNgramFeaturizerTest {

    private final HashedNgramFeaturizer featurizer = new HashedNgramFeaturizer(HashedNgramFeaturizer.Spec.DEFAULT);

    @Test
    void vector_isSortedDistinctInRange_andOfUnitLength() {
        SparseFeatures x = featurizer.featurize("Which of the following is NOT a prime number?\nA. 2\nB. 3\nC. 9\nD. 11\nAnswer:");
        assertThat(x.size()).isGreaterThan(50);
        double norm = 0;
        for (int i = 0; i < x.size(); i++) {
            if (i > 0) {
                assertThat(x.indices()[i]).isGreaterThan(x.indices()[i - 1]);
            }
            assertThat(x.indices()[i]).isBetween(0, featurizer.dimension() - 1);
            norm += x.values()[i] * x.values()[i];
        }
        assertThat(norm).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void caseAndWhiteSpace_doNotMatter_butWordsDo() {
        SparseFeatures a = featurizer.featurize("The cat  sat on\nthe mat");
        assertThat(featurizer.featurize("the CAT sat on the mat")).isEqualTo(a);
        assertThat(featurizer.featurize("the dog sat on the mat")).isNotEqualTo(a);
    }

    @Test
    void wordOrder_changesTheBigrams() {
        HashedNgramFeaturizer wordsOnly = new HashedNgramFeaturizer(new HashedNgramFeaturizer.Spec(18, 2, 0, 0, 6000));
        SparseFeatures ab = wordsOnly.featurize("alpha beta");
        SparseFeatures ba = wordsOnly.featurize("beta alpha");
        // Two unigrams plus one bigram each; the unigrams are shared, the bigrams are not.
        assertThat(ab.size()).isEqualTo(3);
        assertThat(ba.size()).isEqualTo(3);
        assertThat(ab).isNotEqualTo(ba);
        assertThat(new HashedNgramFeaturizer(new HashedNgramFeaturizer.Spec(18, 1, 0, 0, 6000)).featurize("alpha beta").size()).isEqualTo(2);
    }

    @Test
    void numbers_becomeTheirShape_soLongNumbersShareFeatures() {
        HashedNgramFeaturizer wordsOnly = new HashedNgramFeaturizer(new HashedNgramFeaturizer.Spec(18, 1, 0, 0, 6000));
        assertThat(wordsOnly.featurize("costs 123456")).isEqualTo(wordsOnly.featurize("costs 987654"));
        assertThat(wordsOnly.featurize("costs 12")).isNotEqualTo(wordsOnly.featurize("costs 34"));
    }

    @Test
    void onlyTheFirstMaxTextChars_areRead() {
        HashedNgramFeaturizer small = new HashedNgramFeaturizer(new HashedNgramFeaturizer.Spec(16, 2, 3, 5, 200));
        String head = "word ".repeat(40);
        assertThat(small.featurize(head + "tail")).isEqualTo(small.featurize(head + "something else entirely"));
        assertThat(small.featurize("")).isEqualTo(new SparseFeatures(new int[0], new float[0]));
    }

    @Test
    void settingsOutOfRange_areRefusedWithTheRange() {
        assertThatThrownBy(() -> new HashedNgramFeaturizer.Spec(30, 2, 3, 5, 6000)).hasMessageContaining("hash_bits: 30 (expected: 8 to 24)");
        assertThatThrownBy(() -> new HashedNgramFeaturizer.Spec(18, 2, 5, 3, 6000)).hasMessageContaining("char n-grams");
    }

    @Test
    void signals_countOptionsDigitsAndNegations() {
        float[] s = PromptSignals.of("Which of these is NOT even?\nA. 2\nB. 4\nC. 7\nD. 8\nAnswer:", 6000);
        assertThat(s).hasSize(PromptSignals.NAMES.size());
        assertThat(s[PromptSignals.NAMES.indexOf("options")]).isEqualTo(4);
        assertThat(s[PromptSignals.NAMES.indexOf("numeric_option_share")]).isEqualTo(1);
        assertThat(s[PromptSignals.NAMES.indexOf("negation")]).isEqualTo(1);
        assertThat(s[PromptSignals.NAMES.indexOf("question_marks")]).isEqualTo(1);
        float[] plain = PromptSignals.of("Tell me a story about a cat.", 6000);
        assertThat(plain[PromptSignals.NAMES.indexOf("options")]).isZero();
        assertThat(plain[PromptSignals.NAMES.indexOf("negation")]).isZero();
    }
}
