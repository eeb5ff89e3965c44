package dev.tollgate.semantic.decision;

import java.util.Map;
import java.util.Set;

/** The small word lists the text profile uses: stop words, negations, number words, question words, languages. */
final class Lexicon {

    private Lexicon() {
    }

    static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "the", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "doing",
            "have", "has", "had", "i", "me", "my", "mine", "we", "us", "our", "you", "your", "he", "him", "his", "she",
            "her", "it", "its", "they", "them", "their", "this", "that", "these", "those", "there", "here", "of", "in",
            "on", "at", "to", "for", "from", "by", "with", "about", "as", "into", "onto", "over", "under", "and", "or",
            "but", "if", "so", "than", "then", "can", "could", "would", "should", "will", "shall", "may", "might",
            "must", "get", "got", "any", "some", "one", "ones", "s", "t", "d", "ll", "m", "re", "ve", "what", "how",
            "why", "when", "where", "who", "whom", "which", "whose", "best", "good", "way", "ways", "much", "many",
            "really", "very", "also", "just", "more", "most", "other", "such", "like", "vs", "versus", "all", "each",
            "someone", "something", "anyone", "anything", "people", "person", "quora", "please", "tell", "know");

    /** Words that flip a statement; {@code n't} is counted from the apostrophe form. */
    static final Set<String> NEGATIONS = Set.of(
            "not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "nowhere", "without", "cannot",
            "cant", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "wont", "wouldnt", "shouldnt",
            "couldnt", "havent", "hasnt", "hadnt", "nicht", "kein", "keine", "nie", "ne", "pas", "jamais", "nunca",
            "nada", "non", "nao", "não", "niet", "geen");

    static final Map<String, String> NUMBER_WORDS = Map.ofEntries(
            Map.entry("zero", "0"), Map.entry("two", "2"), Map.entry("three", "3"),
            Map.entry("four", "4"), Map.entry("five", "5"), Map.entry("six", "6"), Map.entry("seven", "7"),
            Map.entry("eight", "8"), Map.entry("nine", "9"), Map.entry("ten", "10"), Map.entry("eleven", "11"),
            Map.entry("twelve", "12"), Map.entry("thirteen", "13"), Map.entry("fourteen", "14"), Map.entry("fifteen", "15"),
            Map.entry("sixteen", "16"), Map.entry("seventeen", "17"), Map.entry("eighteen", "18"), Map.entry("nineteen", "19"),
            Map.entry("twenty", "20"), Map.entry("thirty", "30"), Map.entry("forty", "40"), Map.entry("fifty", "50"),
            Map.entry("sixty", "60"), Map.entry("seventy", "70"), Map.entry("eighty", "80"), Map.entry("ninety", "90"),
            Map.entry("hundred", "100"), Map.entry("thousand", "1000"), Map.entry("million", "1000000"),
            Map.entry("billion", "1000000000"), Map.entry("third", "3rd"), Map.entry("fourth", "4th"),
            Map.entry("fifth", "5th"), Map.entry("dozen", "12"));
    // "one", "first", "second" and "half" are left out: far more often a pronoun, an order or a figure of speech.

    /** Words whose swap turns a question into another one ("similar" for "differ", "buy" for "sell"). */
    static final Map<String, String> ANTONYMS = antonyms(
            "similar:different", "similar:differ", "same:different", "love:hate", "like:dislike", "best:worst",
            "good:bad", "true:false", "buy:sell", "increase:decrease", "rise:fall", "before:after", "advantages:disadvantages",
            "pros:cons", "male:female", "men:women", "man:woman", "boy:girl", "boys:girls", "boyfriend:girlfriend",
            "husband:wife", "start:stop", "open:close", "win:lose", "gain:lose", "cheap:expensive", "cheapest:expensive",
            "fast:slow", "hot:cold", "high:low", "big:small", "positive:negative", "legal:illegal", "possible:impossible",
            "safe:unsafe", "happy:sad", "rich:poor", "old:new", "old:young", "easy:hard", "easy:difficult", "import:export",
            "upload:download", "enable:disable", "install:uninstall", "encrypt:decrypt", "add:remove", "minimum:maximum",
            "min:max", "inside:outside", "above:below", "north:south", "east:west", "left:right", "up:down", "more:less",
            "most:least", "first:last", "always:never", "accept:reject", "allow:deny", "include:exclude", "success:failure",
            "sunrise:sunset", "asleep:awake", "lowest:highest", "beginner:advanced", "send:receive", "push:pull");

    private static Map<String, String> antonyms(String... pairs) {
        Map<String, String> out = new java.util.HashMap<>();
        for (String pair : pairs) {
            String[] w = pair.split(":");
            out.merge(w[0], w[1], (x, y) -> x + " " + y);
            out.merge(w[1], w[0], (x, y) -> x + " " + y);
        }
        return Map.copyOf(out);
    }

    /** The interrogatives whose change usually changes the question ("how" against "why"). */
    static final Map<String, Integer> QUESTION_WORDS = Map.of(
            "what", 1, "how", 2, "why", 4, "when", 8, "where", 16, "who", 32, "which", 64, "whom", 32, "whose", 32);

    /** Frequent function words of a few languages written in Latin script, to tell them apart. */
    static final Map<String, Set<String>> LANGUAGES = Map.of(
            "en", Set.of("the", "is", "are", "and", "of", "to", "what", "how", "why", "with", "does", "do", "can", "in", "for", "it", "this", "that", "my", "you"),
            "de", Set.of("der", "die", "das", "und", "ist", "nicht", "ein", "eine", "wie", "was", "warum", "mit", "ich", "sie", "für", "auf", "kann", "zu", "den", "dem"),
            "fr", Set.of("le", "la", "les", "et", "est", "une", "des", "du", "pourquoi", "comment", "que", "qui", "pour", "avec", "je", "vous", "dans", "ce", "sur", "pas"),
            "es", Set.of("el", "los", "las", "y", "es", "una", "por", "qué", "que", "cómo", "como", "para", "con", "yo", "usted", "del", "en", "se", "lo", "puedo"),
            "it", Set.of("il", "lo", "gli", "e", "è", "una", "perché", "come", "che", "per", "con", "sono", "della", "del", "di", "non", "io", "si", "ho", "posso"),
            "pt", Set.of("o", "os", "as", "e", "é", "uma", "por", "que", "como", "para", "com", "eu", "você", "do", "da", "em", "não", "posso", "se", "um"),
            "nl", Set.of("de", "het", "een", "en", "is", "niet", "hoe", "wat", "waarom", "met", "ik", "jij", "voor", "op", "van", "kan", "zijn", "dat", "die", "te"));
}
