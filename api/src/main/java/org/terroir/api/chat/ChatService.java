package org.terroir.api.chat;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.terroir.api.energy.EnergyTotal;

/**
 * Conversations with a model, kept on disk. Every method that names a conversation throws a
 * {@link org.terroir.api.TerroirException} with code {@code chat.conversation.unknown} when there is no such
 * conversation.
 */
@ProviderType
public interface ChatService {

    /** Starts a conversation. Null fields of {@code settings} take the service's defaults. */
    Conversation create(ConversationSettings settings);

    /** Every conversation, the most recently updated first. */
    List<Conversation> list();

    Optional<Conversation> get(String conversationId);

    /** The messages of a conversation in order, including answers that were cut short. */
    List<StoredMessage> messages(String conversationId);

    Conversation rename(String conversationId, String title);

    /** Changes model, preset, system prompt or sampling; null fields keep their current value. */
    Conversation update(String conversationId, ConversationSettings settings);

    /** Deletes a conversation and its messages; false when there was none. */
    boolean delete(String conversationId);

    /** Full-text search over message texts and titles, best matches first. */
    List<SearchHit> search(String query, int limit);

    /**
     * Sends a user message and streams the answer. Finds the conversation's model among the loaded ones or
     * loads it, builds the prompt (system prompt, as much history as fits the context window, the new message)
     * and starts the generation. The user message is stored before this returns; the answer is stored while it
     * streams and once more when it ends.
     *
     * @throws org.terroir.api.TerroirException {@code chat.busy} when this conversation is already answering,
     *         {@code chat.model.none} when no model is set or loaded, {@code chat.message.too-long} when the
     *         message alone does not fit the context window
     */
    ChatTurn send(String conversationId, String userText, ChatListener listener);

    /** Stops the answer under way in this conversation; false when none was. */
    boolean stop(String conversationId);

    /** The conversation as a document in {@code format}. */
    String export(String conversationId, ExportFormat format);

    /** The presets in the user's language. */
    List<Preset> presets();

    /** The presets in {@code locale} (French or English). */
    List<Preset> presets(Locale locale);

    Optional<Preset> preset(String presetId);

    /**
     * Answers the conversation's last question again, in place of its last answer: the new answer streams as
     * {@link #send}'s does, and the previous answer (everything after the last question) is removed once the new one
     * has ended without error; when it fails, the previous answer stays. Throws with {@code ErrorKind.BAD_REQUEST}
     * when the conversation has no question yet, {@code BUSY} while it is answering.
     *
     * @since org.terroir.api.chat 1.2.0
     */
    default ChatTurn regenerate(String conversationId, ChatListener listener) {
        throw new org.terroir.api.TerroirException(org.terroir.api.ErrorKind.UNSUPPORTED, "chat.regenerate.unsupported",
                "regenerate is not offered by " + getClass().getName());
    }

    /**
     * The energy of a conversation's answers that know theirs (each stored with its answer), summed; the day and
     * month totals of every answer, chat or API, are {@link org.terroir.api.energy.EnergyMeter#daily}'s.
     */
    default EnergyTotal energy(String conversationId) {
        EnergyTotal total = EnergyTotal.NONE;
        for (StoredMessage m : messages(conversationId)) {
            if (m.stats() != null && m.stats().energy() != null) {
                total = total.plus(m.stats().energy());
            }
        }
        return total;
    }
}
