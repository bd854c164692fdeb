package org.terroir.chat.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.terroir.api.ErrorKind;
import org.terroir.api.TerroirException;
import org.terroir.api.chat.AttachedDocument;
import org.terroir.api.chat.Citation;
import org.terroir.api.documents.DocumentIndex;
import org.terroir.api.documents.IndexedDocument;
import org.terroir.api.documents.Passage;
import org.terroir.api.documents.ScoredPassage;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.reflect.TypeToken;

/**
 * How a question is sent with a conversation's documents (its own and its collection's): whole when they fit the
 * room the model's context leaves (after the answer's reserve, the system prompt, the question and a quarter of
 * the rest for history), else the passages closest to the question, best first, as many as fit. Either way each
 * excerpt is numbered {@code [n]} and the system prompt asks the model to cite them so.
 *
 * <p>Token counts are the model's own tokenizer's ({@link org.terroir.api.inference.LoadedModel#tokenize}); a
 * document is only tokenized whole when its length could fit at all (eight characters a token is more than any
 * tokenizer packs in prose), so a large document never costs a tokenization per question.
 */
final class ConversationDocuments {
    /** Passages asked from the index per question; as many as fit are used. */
    static final int CANDIDATES = 8;
    /** Characters per token, at the upper end of what tokenizers pack, to rule out whole documents cheaply. */
    private static final int MAX_CHARS_PER_TOKEN = 8;
    private static final Pattern CITED = Pattern.compile("\\[(\\d{1,3})]");
    private static final Gson GSON = new Gson();

    /** The key of a collection in the index (conversation ids hold no dot, so they never clash). */
    static String collectionKey(String name) {
        return "collection." + name;
    }

    /**
     * What a question goes to the model with.
     *
     * @param systemPrompt the conversation's system prompt, with the instruction and the excerpts
     * @param citations    the excerpts, numbered as the prompt numbers them
     * @param whole        true when the documents were given whole (then only the excerpts the answer cites are
     *                     kept with it)
     * @param leftOut      true when the conversation has documents but not one excerpt fitted the room left
     */
    record Prepared(String systemPrompt, List<Citation> citations, boolean whole, boolean leftOut) {
        Prepared(String systemPrompt, List<Citation> citations, boolean whole) {
            this(systemPrompt, citations, whole, false);
        }

        /** The citations to keep with an answer. */
        List<Citation> kept(String answer) {
            if (!whole) {
                return citations;
            }
            Set<Integer> cited = cited(answer);
            return citations.stream().filter(c -> cited.contains(c.n())).toList();
        }
    }

    static Set<Integer> cited(String answer) {
        Set<Integer> out = new LinkedHashSet<>();
        if (answer != null) {
            Matcher m = CITED.matcher(answer);
            while (m.find()) {
                out.add(Integer.parseInt(m.group(1)));
            }
        }
        return out;
    }

    private ConversationDocuments() {
    }

    /** The room for documents: what is left after the answer, the system prompt and the question, less history. */
    static int room(int contextLength, int answerReserve, int fixedTokens) {
        return Math.max(0, (contextLength - answerReserve - fixedTokens) * 3 / 4);
    }

    /**
     * Builds the prompt's documents part for {@code question}.
     *
     * @param keys  the index keys to read (the conversation's, its collection's)
     * @param room  tokens the documents may take
     * @param count tokens of a text, as the model counts them
     */
    static Prepared prepare(DocumentIndex index, List<String> keys, String systemPrompt, String question, int room,
            ToIntFunction<String> count) {
        List<IndexedDocument> docs = new ArrayList<>();
        for (String key : keys) {
            docs.addAll(index.documents(key));
        }
        if (docs.isEmpty()) {
            return new Prepared(systemPrompt, List.of(), false);
        }
        String instruction = Messages.get("chat.documents.instruction");
        int budget = room - count.applyAsInt(instruction);
        long chars = docs.stream().mapToLong(IndexedDocument::chars).sum();
        if (budget > 0 && chars / MAX_CHARS_PER_TOKEN <= budget) {
            List<Citation> parts = new ArrayList<>();
            for (String key : keys) {
                for (IndexedDocument d : index.documents(key)) {
                    parts.addAll(parts(index.passages(key, d.name()), parts.size()));
                }
            }
            String block = block(parts);
            if (count.applyAsInt(block) <= budget) {
                return new Prepared(join(systemPrompt, instruction, block), parts, true);
            }
        }
        List<ScoredPassage> found = new ArrayList<>();
        for (String key : keys) {
            if (!index.documents(key).isEmpty()) {
                found.addAll(index.search(key, question, CANDIDATES));
            }
        }
        found.sort(Comparator.comparingDouble(ScoredPassage::score).reversed());
        List<Citation> chosen = new ArrayList<>();
        int used = 0;
        for (ScoredPassage sp : found.subList(0, Math.min(CANDIDATES, found.size()))) {
            Passage p = sp.passage();
            Citation c = new Citation(chosen.size() + 1, p.document(), p.page(), p.section(), p.text(), sp.score());
            int cost = count.applyAsInt(entry(c)) + 2;
            if (used + cost <= budget) {
                chosen.add(c);
                used += cost;
            } else if (chosen.isEmpty()) {
                // not even the best passage fits whole: its beginning, as much as fits
                Citation cut = truncate(c, budget, count);
                if (cut != null) {
                    chosen.add(cut);
                }
                break;
            }
        }
        if (chosen.isEmpty()) {
            return new Prepared(systemPrompt, List.of(), false, true);
        }
        return new Prepared(join(systemPrompt, instruction, block(chosen)), chosen, false);
    }

    /** A document's passages put back together by page and section, numbered from {@code from + 1}. */
    static List<Citation> parts(List<Passage> passages, int from) {
        List<Citation> out = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        Passage first = null;
        for (Passage p : passages) {
            if (first != null && (first.page() != p.page() || !first.section().equals(p.section()))) {
                out.add(new Citation(from + out.size() + 1, first.document(), first.page(), first.section(),
                        text.toString(), 1));
                text.setLength(0);
                first = null;
            }
            if (first == null) {
                first = p;
            } else {
                text.append("\n\n");
            }
            text.append(p.text());
        }
        if (first != null) {
            out.add(new Citation(from + out.size() + 1, first.document(), first.page(), first.section(),
                    text.toString(), 1));
        }
        return out;
    }

    private static Citation truncate(Citation c, int budget, ToIntFunction<String> count) {
        String[] words = c.text().split("\\s+");
        int lo = 0;
        int hi = words.length;
        while (lo < hi) {
            int mid = (lo + hi + 1) / 2;
            Citation t = new Citation(c.n(), c.document(), c.page(), c.section(),
                    String.join(" ", java.util.Arrays.copyOf(words, mid)) + " …", c.score());
            if (count.applyAsInt(entry(t)) + 2 <= budget) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo == 0 ? null : new Citation(c.n(), c.document(), c.page(), c.section(),
                String.join(" ", java.util.Arrays.copyOf(words, lo)) + " …", c.score());
    }

    /** Where a citation is: {@code report.pdf, p. 3, § Budget}. */
    static String where(Citation c) {
        return new Passage(c.document(), c.page(), c.section(), "").citation();
    }

    private static String entry(Citation c) {
        return "[" + c.n() + "] " + where(c) + "\n" + c.text();
    }

    private static String block(List<Citation> citations) {
        StringBuilder b = new StringBuilder();
        for (Citation c : citations) {
            if (b.length() > 0) {
                b.append("\n\n");
            }
            b.append(entry(c));
        }
        return b.toString();
    }

    private static String join(String systemPrompt, String instruction, String block) {
        String base = systemPrompt == null || systemPrompt.isBlank() ? "" : systemPrompt.strip() + "\n\n";
        return base + instruction + "\n\n" + block;
    }

    /** A document of the index as the chat shows it. */
    static AttachedDocument attached(IndexedDocument d, long tokens, String mode) {
        return new AttachedDocument(d.name(), d.format(), d.pages(), d.sections(), d.passages(), tokens, mode,
                d.millis(), d.bytes());
    }

    /** The estimated tokens of a text of {@code chars} characters when no tokenizer is at hand. */
    static long estimateTokens(long chars) {
        return (long) Math.ceil(chars / 3.5);
    }

    static String toJson(List<Citation> citations) {
        return GSON.toJson(citations);
    }

    static List<Citation> fromJson(String json) {
        try {
            List<Citation> list = GSON.fromJson(json, new TypeToken<List<Citation>>() { }.getType());
            return list == null ? List.of() : list.stream().map(c -> new Citation(c.n(), c.document(), c.page(),
                    c.section(), c.text(), c.score())).toList();
        } catch (JsonParseException | IllegalStateException e) {
            return List.of(); // a damaged row loses its citations, not the message
        }
    }

    static TerroirException noIndex() {
        return new TerroirException(ErrorKind.UNSUPPORTED, "chat.documents.unavailable",
                Messages.get("chat.documents.unavailable"));
    }
}
