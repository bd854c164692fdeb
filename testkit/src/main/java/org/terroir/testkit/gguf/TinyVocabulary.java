package org.terroir.testkit.gguf;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A SentencePiece-style ("llama") vocabulary that llama.cpp accepts: {@code <unk>}, {@code <s>}, {@code </s>}, the
 * 256 byte tokens {@code <0x00>..<0xFF>} (so every text can be encoded), the ChatML control tokens, then word pieces
 * (English and French words with "▁" for a leading space). Every piece's prefixes are in the vocabulary too, because
 * the SPM tokenizer only builds a piece by merging two adjacent pieces that exist.
 *
 * @param tokens token strings, by id
 * @param scores SPM merge scores (higher merges first)
 * @param types  llama.cpp token types (NORMAL=1, UNKNOWN=2, CONTROL=3, BYTE=6)
 */
public record TinyVocabulary(List<String> tokens, List<Float> scores, List<Integer> types) {
    public static final int NORMAL = 1;
    public static final int UNKNOWN = 2;
    public static final int CONTROL = 3;
    public static final int BYTE = 6;

    public static final int UNK_ID = 0;
    public static final int BOS_ID = 1;
    public static final int EOS_ID = 2;
    public static final int FIRST_BYTE_ID = 3;
    public static final int IM_START_ID = FIRST_BYTE_ID + 256;
    public static final int IM_END_ID = IM_START_ID + 1;
    public static final int FIRST_PIECE_ID = IM_END_ID + 1;

    /** "▁" (U+2581): SentencePiece's mark for a space. */
    public static final String SPACE = "\u2581";

    private static final String CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            + ".,;:!?'\"-()/%éèêëàâîïôûùüçœÉÀÇ";
    // frequent letters first: the order in which pieces grow past the word list
    private static final String GROWTH = "eaisnrtoludcmpévgbfhqjxyzkw";

    private static final String[] WORDS = {
        // English
        "the", "of", "and", "to", "in", "is", "you", "that", "it", "he", "was", "for", "on", "are", "as", "with",
        "his", "they", "at", "be", "this", "have", "from", "or", "one", "had", "by", "word", "but", "not", "what",
        "all", "were", "we", "when", "your", "can", "said", "there", "use", "an", "each", "which", "she", "do",
        "how", "their", "if", "will", "up", "other", "about", "out", "many", "then", "them", "these", "so", "some",
        "her", "would", "make", "like", "him", "into", "time", "has", "look", "two", "more", "write", "go", "see",
        "number", "no", "way", "could", "people", "my", "than", "first", "water", "been", "call", "who", "now",
        "find", "long", "down", "day", "did", "get", "come", "made", "may", "part", "hello", "model", "local",
        "wine", "bread", "cheese", "sun", "rain", "good", "small", "large", "world", "machine", "answer",
        "question", "language", "French", "English", "The", "It", "I", "A", "What", "Hello",
        // French
        "le", "la", "les", "de", "des", "du", "un", "une", "et", "est", "en", "que", "qui", "dans", "pour", "pas",
        "sur", "au", "aux", "avec", "il", "elle", "nous", "vous", "ils", "ce", "cette", "son", "sa", "ses", "mais",
        "ou", "où", "comme", "plus", "tout", "fait", "être", "avoir", "faire", "dire", "aller", "voir", "bien",
        "très", "aussi", "entre", "deux", "leur", "même", "sans", "après", "avant", "chez", "encore", "toujours",
        "bonjour", "merci", "oui", "non", "terre", "terroir", "vin", "pain", "fromage", "soleil", "pluie", "petit",
        "grand", "monde", "modèle", "réponse", "question", "langue", "français", "anglais", "été", "à", "ça",
        "Le", "La", "Les", "Il", "Elle", "Bonjour", "C'est", "l'", "d'", "j'", "qu'",
    };

    /** Pieces that continue a word (no leading space). */
    private static final String[] SUFFIXES = {
        "ing", "tion", "ed", "er", "ly", "ment", "ons", "ez", "ait", "ent", "eur", "ique", "able", "ité",
    };

    /** Fewest tokens a vocabulary can have: specials, bytes, control tokens and single characters. */
    public static int minimumSize() {
        return FIRST_PIECE_ID + 1 + CHARS.length();
    }

    /** The vocabulary with exactly {@code size} tokens (at least {@link #minimumSize()}). */
    public static TinyVocabulary of(int size) {
        if (size < minimumSize()) {
            throw new IllegalArgumentException("vocabulary size " + size + " < minimum " + minimumSize());
        }
        List<String> tokens = new ArrayList<>();
        List<Float> scores = new ArrayList<>();
        List<Integer> types = new ArrayList<>();
        add(tokens, scores, types, "<unk>", 0f, UNKNOWN);
        add(tokens, scores, types, "<s>", 0f, CONTROL);
        add(tokens, scores, types, "</s>", 0f, CONTROL);
        for (int b = 0; b < 256; b++) {
            add(tokens, scores, types, String.format("<0x%02X>", b), 0f, BYTE);
        }
        add(tokens, scores, types, "<|im_start|>", 0f, CONTROL);
        add(tokens, scores, types, "<|im_end|>", 0f, CONTROL);

        int wanted = size - tokens.size();
        Set<String> pieces = new LinkedHashSet<>();
        pieces.add(SPACE);
        CHARS.codePoints().forEach(c -> pieces.add(new String(Character.toChars(c))));
        for (String word : WORDS) {
            addWithPrefixes(pieces, SPACE + word, wanted);
        }
        for (String suffix : SUFFIXES) {
            addWithPrefixes(pieces, suffix, wanted);
        }
        // past the word list: grow existing pieces letter by letter (breadth first keeps every prefix present)
        List<String> frontier = new ArrayList<>(pieces);
        for (int i = 0; pieces.size() < wanted; i++) {
            String base = frontier.get(i);
            for (int c = 0; c < GROWTH.length() && pieces.size() < wanted; c++) {
                String grown = base + GROWTH.charAt(c);
                if (pieces.add(grown)) {
                    frontier.add(grown);
                }
            }
        }
        int rank = 0;
        for (String piece : pieces) {
            // longer pieces merge first; among equals, earlier (more common) ones
            float score = piece.codePointCount(0, piece.length()) - (rank++ * 1e-4f);
            add(tokens, scores, types, piece, score, NORMAL);
        }
        return new TinyVocabulary(tokens, scores, types);
    }

    private static void addWithPrefixes(Set<String> pieces, String piece, int wanted) {
        int[] cps = piece.codePoints().toArray();
        for (int n = 2; n <= cps.length && pieces.size() < wanted; n++) {
            pieces.add(new String(cps, 0, n));
        }
    }

    private static void add(List<String> tokens, List<Float> scores, List<Integer> types, String t, float s, int type) {
        tokens.add(t);
        scores.add(s);
        types.add(type);
    }

    public TinyVocabulary {
        tokens = List.copyOf(tokens);
        scores = List.copyOf(scores);
        types = List.copyOf(types);
        if (tokens.size() != scores.size() || tokens.size() != types.size()) {
            throw new IllegalArgumentException("tokens, scores and types differ in length");
        }
    }

    public int size() {
        return tokens.size();
    }

    /** The id of {@code token}, or -1. */
    public int id(String token) {
        return tokens.indexOf(token);
    }
}
