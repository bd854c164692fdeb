package org.terroir.chat.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import org.terroir.api.TerroirException;
import org.terroir.api.inference.ChatMessage;
import org.terroir.api.inference.ChatMessage.Role;

/**
 * Builds the messages of a prompt that fits the model's context window: the system prompt, as much of the
 * history as fits, and the new message. When the history is too long, whole turns are dropped from the oldest
 * (a turn is a user message and the answers after it), so the model never sees an answer without its question.
 *
 * @param contextLength   the model's context window in tokens
 * @param answerReserve   tokens kept free for the answer
 * @param messageOverhead tokens counted per message for the chat template's role markers, which the content's
 *                        own tokens do not include
 * @param tokenCounter    tokens of a text, as the model counts them
 */
record ContextWindow(int contextLength, int answerReserve, int messageOverhead, ToIntFunction<String> tokenCounter) {

    /**
     * The prompt's messages, and how many stored messages were left out.
     *
     * @param messages        what goes to the model
     * @param droppedMessages how many history messages were left out
     * @param estimatedTokens the estimated prompt size
     */
    record Fit(List<ChatMessage> messages, int droppedMessages, int estimatedTokens) {
    }

    /**
     * The reserve for an answer of {@code maxTokens}: all of it, but never more than half the window, so that a
     * large maximum does not leave room for no history at all.
     */
    static int reserveFor(int maxTokens, int contextLength) {
        return Math.max(0, Math.min(maxTokens, contextLength / 2));
    }

    Fit fit(String systemPrompt, List<ChatMessage> history, ChatMessage next) {
        int budget = contextLength - answerReserve;
        int fixed = cost(next);
        boolean hasSystem = systemPrompt != null && !systemPrompt.isBlank();
        if (hasSystem) {
            fixed += cost(ChatMessage.system(systemPrompt));
        }
        if (fixed > budget) {
            throw new TerroirException(org.terroir.api.ErrorKind.PROMPT_TOO_LONG, "chat.message.too-long",
                    Messages.get("chat.message.too-long", fixed, contextLength, answerReserve));
        }
        int[] costs = history.stream().mapToInt(this::cost).toArray();
        int total = fixed;
        for (int c : costs) {
            total += c;
        }
        int start = 0;
        while (total > budget && start < history.size()) {
            // drop one whole turn: the message at start and every non-user message after it
            do {
                total -= costs[start];
                start++;
            } while (start < history.size() && history.get(start).role() != Role.USER);
        }
        List<ChatMessage> messages = new ArrayList<>();
        if (hasSystem) {
            messages.add(ChatMessage.system(systemPrompt));
        }
        messages.addAll(history.subList(start, history.size()));
        messages.add(next);
        return new Fit(List.copyOf(messages), start, total);
    }

    private int cost(ChatMessage message) {
        return tokenCounter.applyAsInt(message.content()) + messageOverhead;
    }
}
