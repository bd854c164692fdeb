package org.terroir.api.chat;

import org.osgi.annotation.versioning.ConsumerType;
import org.terroir.api.inference.ToolDefinition;

/**
 * A tool that conversations may call: a bundle (a plugin) registers it as a service, and the chat service offers
 * every registered tool to models that can call tools. When the model calls one, the chat service runs
 * {@link #call} and gives the model its result, then lets it answer (a few rounds at most); backends without tool
 * calling answer as before, without the tools.
 *
 * <p>A tool runs on the chat service's thread with the arguments the model wrote: it must check them (they are
 * JSON from a model, not from a person), stay bounded in time, and never touch the network unless that is its
 * purpose and the user installed it for that.
 *
 * @since org.terroir.api.chat 1.2.0
 */
@ConsumerType
public interface ChatTool {
    /** The name, description and JSON Schema of the parameters, as the model sees them. */
    ToolDefinition definition();

    /**
     * Runs the tool. The text returned (plain text or JSON) is what the model reads; a
     * {@link org.terroir.api.TerroirException} is given to the model as an error text in its place.
     *
     * @param argumentsJson the arguments the model wrote, a JSON object as text
     */
    String call(String argumentsJson);
}
