package org.terroir.api.chat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Documents in conversations: files attached to one conversation, and collections shared by several. When a
 * conversation's documents fit its model's context (leaving room for history and the answer), each question is
 * sent with them whole; otherwise with the passages closest to it, numbered {@code [1]}, {@code [2]}… and the
 * instruction to cite them. The answer keeps its {@link StoredMessage#citations() citations}.
 *
 * <p>Every method that names a conversation throws a {@link org.terroir.api.TerroirException} with code
 * {@code chat.conversation.unknown} when there is none; a file that cannot be read throws a
 * {@link org.terroir.api.documents.DocumentException} whose message says why (a scanned PDF, a damaged file, a
 * format it does not read, a file too large), in the user's language.
 *
 * @since org.terroir.api.chat 1.2.0
 */
@ProviderType
public interface ChatDocuments {

    /** Reads, cuts and embeds a file for a conversation; a document of the same name is replaced. */
    AttachedDocument attach(String conversationId, Path file);

    /** The conversation's own documents, in the order they were attached. */
    List<AttachedDocument> documents(String conversationId);

    /** Removes a document from a conversation; false when it had none of that name. */
    boolean detach(String conversationId, String name);

    /** Makes a conversation use a collection (null: none); the collection must exist. */
    void useCollection(String conversationId, String collection);

    /** The collection the conversation uses. */
    Optional<String> collection(String conversationId);

    /**
     * Summarises one document of the conversation as a whole: by parts that fit the model's context, then a summary
     * of the parts' summaries, streamed to the listener ({@link ChatListener#onProgress} before each part). The
     * request and the summary are stored in the conversation like a question and its answer.
     */
    ChatTurn summarize(String conversationId, String name, ChatListener listener);

    /** Creates a collection (its folder); an existing one is returned as it is. */
    DocumentCollection createCollection(String name);

    /** Copies a file into a collection's folder and indexes it. */
    AttachedDocument addToCollection(String collection, Path file);

    /** Removes a file from a collection's folder and its index; false when it had none of that name. */
    boolean removeFromCollection(String collection, String name);

    /** Every collection, by name, brought up to date with its folder. */
    List<DocumentCollection> collections();

    /** A collection's documents, brought up to date with its folder (changed files indexed again). */
    List<AttachedDocument> collectionDocuments(String collection);

    /**
     * The {@code k} passages of a collection closest to a question, best first, numbered from 1 (for programs that
     * build their own prompt, such as the API's {@code terroir_collection}).
     */
    List<Citation> passages(String collection, String question, int k);
}
