package org.terroir.backend.llamacpp.worker.capi;

import com.sun.jna.Structure;

/** {@code struct llama_chat_message}: two UTF-8 C strings (JNA encodes Java strings with jna.encoding, set to UTF-8). */
@Structure.FieldOrder({"role", "content"})
public class ChatMessage extends Structure {
    public String role;
    public String content;
}
