package org.terroir.backend.llamacpp.protocol;

import java.io.IOException;

/** The other side sent something this version of the protocol does not understand. */
public final class ProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }
}
