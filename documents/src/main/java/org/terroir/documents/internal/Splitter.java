package org.terroir.documents.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.terroir.api.documents.ExtractedDocument;
import org.terroir.api.documents.Passage;

/**
 * Cuts a document into passages: first by its structure (a page, a section), then by paragraphs, sentences and, for
 * very long sentences, words, so that each passage holds about {@code maxTokens} tokens. Passages' texts do not
 * overlap (put back together they give the document); the text that is embedded for a passage starts with its
 * section heading and the last {@code overlapTokens} of the passage before it in the same part, so that a question
 * about text that straddles a cut still finds it.
 *
 * <p>Tokens are estimated from words (4 tokens for 3 words, what BERT-style tokenizers give for English and French
 * prose), so the cut does not depend on a model.
 */
public final class Splitter {
    private static final Pattern PARAGRAPH = Pattern.compile("\\n\\s*\\n");
    private static final Pattern SENTENCE = Pattern.compile("(?<=[.!?…;:])\\s+");
    private static final Pattern WORDS = Pattern.compile("\\s+");

    /** One passage and the text embedded for it. */
    public record Chunk(Passage passage, String embedded) {
    }

    private final int maxWords;
    private final int overlapWords;

    public Splitter(int maxTokens, int overlapTokens) {
        if (maxTokens < 16 || overlapTokens < 0 || overlapTokens >= maxTokens) {
            throw new IllegalArgumentException("maxTokens >= 16 and 0 <= overlapTokens < maxTokens");
        }
        this.maxWords = maxTokens * 3 / 4;
        this.overlapWords = overlapTokens * 3 / 4;
    }

    public List<Chunk> split(ExtractedDocument doc) {
        List<Chunk> out = new ArrayList<>();
        for (Passage part : doc.parts()) {
            String previous = "";
            for (String text : pack(part.text())) {
                Passage p = new Passage(part.document(), part.page(), part.section(), text);
                StringBuilder embedded = new StringBuilder();
                if (!part.section().isEmpty()) {
                    embedded.append(part.section()).append('\n');
                }
                if (!previous.isEmpty()) {
                    embedded.append(tail(previous, overlapWords)).append(' ');
                }
                embedded.append(text);
                out.add(new Chunk(p, embedded.toString()));
                previous = text;
            }
        }
        return out;
    }

    /** Paragraphs put together up to the size; a paragraph too long is cut at sentences, then at words. */
    List<String> pack(String text) {
        List<String> pieces = new ArrayList<>();
        List<Integer> paragraphs = new ArrayList<>();
        int para = 0;
        for (String paragraph : PARAGRAPH.split(text)) {
            if (paragraph.isBlank()) {
                continue;
            }
            para++;
            if (words(paragraph) <= maxWords) {
                pieces.add(paragraph.strip());
                paragraphs.add(para);
            } else {
                for (String sentence : SENTENCE.split(paragraph.strip())) {
                    if (words(sentence) <= maxWords) {
                        pieces.add(sentence);
                        paragraphs.add(para);
                    } else {
                        String[] w = WORDS.split(sentence.strip());
                        for (int i = 0; i < w.length; i += maxWords) {
                            pieces.add(String.join(" ", java.util.Arrays.copyOfRange(w, i,
                                    Math.min(w.length, i + maxWords))));
                            paragraphs.add(para);
                        }
                    }
                }
            }
        }
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int count = 0;
        int lastPara = 0;
        for (int k = 0; k < pieces.size(); k++) {
            String piece = pieces.get(k);
            int n = words(piece);
            if (count > 0 && count + n > maxWords) {
                out.add(current.toString());
                current.setLength(0);
                count = 0;
            }
            if (count > 0) {
                current.append(paragraphs.get(k) == lastPara ? " " : "\n\n");
            }
            lastPara = paragraphs.get(k);
            current.append(piece);
            count += n;
        }
        if (count > 0) {
            out.add(current.toString());
        }
        return out;
    }

    static int words(String s) {
        String t = s.strip();
        return t.isEmpty() ? 0 : WORDS.split(t).length;
    }

    static String tail(String s, int n) {
        if (n == 0) {
            return "";
        }
        String[] w = WORDS.split(s.strip());
        return String.join(" ", java.util.Arrays.copyOfRange(w, Math.max(0, w.length - n), w.length));
    }
}
