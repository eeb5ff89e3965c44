package dev.tollgate.semantic.decision;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextProfileTest {

    @Test
    void numbers_areNormalised_digitsWordsAndThousands() {
        assertThat(TextProfile.of("I have ten apples").numbers()).isEqualTo(TextProfile.of("I have 10 apples").numbers());
        assertThat(TextProfile.of("a 10k run").numbers()).isEqualTo(TextProfile.of("a 10000 run").numbers());
        assertThat(TextProfile.of("version 2.5").numbers()).isNotEqualTo(TextProfile.of("version 25").numbers());
        assertThat(TextProfile.of("one of the best").numbers()).isEmpty();
    }

    @Test
    void contractions_countAsNegations() {
        assertThat(TextProfile.of("Why doesn't it work?").negations()).isEqualTo(1);
        assertThat(TextProfile.of("Why does it not work?").negations()).isEqualTo(1);
        assertThat(TextProfile.of("Why does it work?").negations()).isZero();
    }

    @Test
    void names_areCapitalisedWordsInsideASentence_notItsFirstWord() {
        assertThat(TextProfile.of("How do I learn Python?").entities()).hasSize(1);
        assertThat(TextProfile.of("Python is great").entities()).isEmpty();
        assertThat(TextProfile.of("is the API down").entities()).hasSize(1);
    }

    @Test
    void scriptsAndLanguages_areTold() {
        assertThat(TextProfile.of("Какая сегодня погода?").script()).isEqualTo(Character.UnicodeScript.CYRILLIC);
        assertThat(TextProfile.of("What is the weather like today?").language()).isEqualTo("en");
        assertThat(TextProfile.of("Wie ist das Wetter heute und warum ist es nicht warm?").language()).isEqualTo("de");
    }

    @Test
    void accents_doNotMakeTwoWords() {
        assertThat(TextProfile.of("When will Pokémon GO launch?").words()).isEqualTo(TextProfile.of("When will Pokemon GO launch?").words());
    }
}
