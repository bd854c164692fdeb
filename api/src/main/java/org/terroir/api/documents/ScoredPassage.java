package org.terroir.api.documents;

/**
 * A passage retrieved for a question.
 *
 * @param passage the passage
 * @param score   cosine similarity between the question and the passage, from -1 to 1
 */
public record ScoredPassage(Passage passage, double score) {
}
