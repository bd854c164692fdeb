package org.terroir.chat.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

import org.junit.jupiter.api.Test;
import org.terroir.api.chat.Citation;
import org.terroir.api.documents.Passage;

/** How documents are cut for a prompt and a summary, with a word count standing for the model's tokenizer. */
class DocumentPromptTest {
    static final ToIntFunction<String> WORDS = t -> t.isBlank() ? 0 : t.strip().split("\\s+").length;

    static Passage passage(int page, String section, int words) {
        return new Passage("report.pdf", page, section, "word ".repeat(words).strip());
    }

    @Test
    void passagesOfOnePageOrSectionBecomeOneNumberedPart() {
        List<Citation> parts = ConversationDocuments.parts(List.of(passage(1, "", 5), passage(1, "", 5),
                passage(2, "", 5), passage(0, "Budget", 3), passage(0, "Budget", 3), passage(0, "Staff", 2)), 3);
        assertEquals(List.of(4, 5, 6, 7), parts.stream().map(Citation::n).toList());
        assertEquals(List.of(1, 2, 0, 0), parts.stream().map(Citation::page).toList());
        assertEquals(List.of("", "", "Budget", "Staff"), parts.stream().map(Citation::section).toList());
        assertEquals(10, WORDS.applyAsInt(parts.get(0).text()), "the page's two passages together");
    }

    @Test
    void givenWholeOnlyTheCitedPartsAreKeptWithTheAnswer() {
        List<Citation> all = List.of(new Citation(1, "a.md", 0, "A", "x", 1), new Citation(2, "a.md", 0, "B", "y", 1),
                new Citation(3, "a.md", 0, "C", "z", 1));
        assertEquals(Set.of(2, 3), ConversationDocuments.cited("As [2] says, and [3] too; [x] is not a number."));
        var whole = new ConversationDocuments.Prepared("s", all, true);
        assertEquals(List.of("B", "C"), whole.kept("see [2] and [3]").stream().map(Citation::section).toList());
        assertEquals(List.of(), whole.kept("no citation"));
        var indexed = new ConversationDocuments.Prepared("s", all, false);
        assertEquals(all, indexed.kept("no citation"), "retrieved passages are kept: they are what was asked with");
    }

    @Test
    void citationsSurviveTheirJsonAndADamagedRowLosesOnlyThem() {
        List<Citation> c = List.of(new Citation(1, "report.pdf", 12, "", "Rents rose.", 0.83),
                new Citation(2, "notes.md", 0, "Budget", "Four percent.", 0.5));
        assertEquals(c, ConversationDocuments.fromJson(ConversationDocuments.toJson(c)));
        assertEquals(List.of(), ConversationDocuments.fromJson("{not json"));
    }

    @Test
    void aSummaryIsCutIntoPartsThatFitAndTheirSummariesAreCutToFitTogether() {
        List<Passage> passages = List.of(passage(1, "", 40), passage(2, "", 40), passage(3, "", 40),
                passage(4, "", 150));
        List<String> parts = Summaries.parts(passages, 100, WORDS);
        assertEquals(3, parts.size(), parts.toString());
        for (String p : parts) {
            assertTrue(WORDS.applyAsInt(p) <= 100, p);
        }
        assertEquals(80, WORDS.applyAsInt(parts.get(0)), "two pages in the first part");
        String combined = Summaries.combined(List.of("one ".repeat(60), "two ".repeat(60)), 60, WORDS);
        assertTrue(WORDS.applyAsInt(combined) <= 60, combined);
        assertTrue(combined.startsWith("1. one") && combined.contains("2. two"), combined);
    }

    /** A tokenizer that does not add up: every line break and every digit costs a token of its own. */
    static final ToIntFunction<String> LUMPY = t -> WORDS.applyAsInt(t)
            + (int) t.chars().filter(ch -> ch == '\n' || Character.isDigit(ch)).count();

    @Test
    void partsAndTheirJoinFitEvenWhereSeparatorsAndHeadersCostTokens() {
        List<Passage> passages = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            passages.add(passage(0, "Section " + i, 9));
        }
        List<String> parts = Summaries.parts(passages, 50, LUMPY);
        assertTrue(parts.size() > 1, parts.toString());
        for (String p : parts) {
            assertTrue(LUMPY.applyAsInt(p) <= 50, LUMPY.applyAsInt(p) + " tokens: " + p);
        }
        assertEquals(30, parts.stream().mapToInt(p -> p.split("Section", -1).length - 1).sum(), "no passage lost");
        List<String> summaries = java.util.Collections.nCopies(40, "summary text of the part");
        String combined = Summaries.combined(summaries, 100, LUMPY);
        assertTrue(LUMPY.applyAsInt(combined) <= 100, LUMPY.applyAsInt(combined) + " tokens: " + combined);
    }

    @Test
    void aTextWithoutSpacesIsCutBetweenCharacters() {
        ToIntFunction<String> chars = t -> t.codePointCount(0, t.length());
        String run = "\uD83D\uDE00abcdefghij".repeat(20);
        String cut = Summaries.fit(run, 15, chars);
        assertEquals(15, chars.applyAsInt(cut));
        assertTrue(run.startsWith(cut));
        List<String> parts = Summaries.parts(List.of(new Passage("a.txt", 1, "", run)), 15, chars);
        assertEquals(1, parts.size());
        assertTrue(chars.applyAsInt(parts.get(0)) <= 15, parts.get(0));
    }

    /** One document of 40 passages, in a collection of its own, found in order (as a search would rank them). */
    static class OneDocument implements org.terroir.api.documents.DocumentIndex {
        final List<Passage> passages = java.util.stream.IntStream.rangeClosed(1, 40)
                .mapToObj(i -> new Passage("report.pdf", i, "Part " + i, "The budget of part " + i + " is " + i * 1000
                        + " euros, voted by the neighbourhood council."))
                .toList();

        @Override
        public org.terroir.api.documents.IndexedDocument add(String collection, java.nio.file.Path file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<org.terroir.api.documents.IndexedDocument> documents(String collection) {
            return List.of(new org.terroir.api.documents.IndexedDocument("report.pdf", "pdf", 40, 40,
                    passages.stream().mapToLong(p -> p.text().length()).sum(), java.time.Instant.EPOCH, 1));
        }

        @Override
        public List<Passage> passages(String collection, String document) {
            return passages;
        }

        @Override
        public List<org.terroir.api.documents.ScoredPassage> search(String collection, String question, int k) {
            return passages.stream().limit(k).map(p -> new org.terroir.api.documents.ScoredPassage(p, 0.5)).toList();
        }

        @Override
        public boolean remove(String collection, String document) {
            return false;
        }
    }

    @Test
    void documentsThatFindNoRoomAreSaidToBeLeftOut() {
        OneDocument index = new OneDocument();
        ConversationDocuments.Prepared some = ConversationDocuments.prepare(index, List.of("c1"), "", "Budget?", 200,
                WORDS);
        assertTrue(!some.citations().isEmpty() && !some.whole() && !some.leftOut(), some.toString());
        // the instruction alone takes more than the room: not one excerpt, and the answer is told so
        ConversationDocuments.Prepared none = ConversationDocuments.prepare(index, List.of("c1"), "", "Budget?", 20,
                WORDS);
        assertTrue(none.citations().isEmpty() && none.leftOut(), none.toString());
        assertEquals("", none.systemPrompt(), "no instruction about excerpts that are not there");
        ConversationDocuments.Prepared noDocuments = ConversationDocuments.prepare(new OneDocument() {
            @Override
            public List<org.terroir.api.documents.IndexedDocument> documents(String collection) {
                return List.of();
            }
        }, List.of("c1"), "", "Budget?", 20, WORDS);
        assertTrue(!noDocuments.leftOut(), "a conversation without documents leaves nothing out");
    }

    @Test
    void theRoomForDocumentsLeavesTheAnswerThePromptAndAQuarterForHistory() {
        assertEquals(300, ConversationDocuments.room(512, 100, 12));
        assertEquals(0, ConversationDocuments.room(512, 500, 100));
    }
}
