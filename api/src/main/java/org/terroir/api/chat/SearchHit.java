package org.terroir.api.chat;

/**
 * A search result.
 *
 * @param conversationId the conversation
 * @param title          its title
 * @param messageId      the matching message, or 0 when the title matched
 * @param snippet        the matching text around the terms
 */
public record SearchHit(String conversationId, String title, long messageId, String snippet) {
}
