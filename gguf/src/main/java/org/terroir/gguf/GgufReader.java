package org.terroir.gguf;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import org.terroir.gguf.internal.Readers;

/**
 * Reads and validates GGUF files (versions 2 and 3). A file that passes has a sound header, metadata, tensor
 * table and vocabulary, and every tensor lies inside the file: what llama.cpp would otherwise crash or abort on
 * is refused here with an {@link org.terroir.api.InvalidModelException} whose code starts with {@code gguf.}
 * and whose message says what is wrong and where. Tensor data is never read.
 *
 * <p>Codes: {@code gguf.io} (cannot read), {@code gguf.magic}, {@code gguf.version} (1, unknown or big-endian),
 * {@code gguf.truncated} (the file ends inside the header, or before a tensor's data does), {@code gguf.count}
 * (a tensor, key or array count the file cannot hold), {@code gguf.string} (a string length past the end),
 * {@code gguf.key} (empty, not UTF-8, or duplicate metadata key), {@code gguf.type} (unknown metadata value,
 * array element or tensor type; arrays of arrays), {@code gguf.alignment} ({@code general.alignment} not a
 * uint32 power of two; a tensor offset not aligned), {@code gguf.tensor} (name empty, too long or duplicate;
 * 0 or more than 4 dimensions; a dimension of 0; size overflow; rows not a whole number of blocks; overlap;
 * tensors not one after another in table order), {@code gguf.vocab} (tokens not strings; scores or token types
 * of the wrong type or length; merges not strings; bos/eos/unknown/padding id not an integer inside the
 * vocabulary), {@code gguf.vocab.duplicate}, and {@code gguf.prefix} ({@link GgufNeedMoreBytesException}).
 */
public final class GgufReader {
    private GgufReader() {
    }

    /**
     * Reads and fully validates a local file.
     *
     * @throws org.terroir.api.InvalidModelException when the file is not a sound GGUF file, or cannot be read
     *                                              (code {@code gguf.io})
     */
    public static GgufFile read(Path file) {
        return Readers.read(file);
    }

    /**
     * Same validation from the first bytes of a (remote) file whose total size is known. The buffer's bytes from
     * its position to its limit are the start of the file; the buffer itself is not changed.
     *
     * @throws GgufNeedMoreBytesException when the prefix ends before the tensor table does: fetch
     *                                    {@link GgufNeedMoreBytesException#bytesNeeded()} bytes and try again
     * @throws org.terroir.api.InvalidModelException when the file is not a sound GGUF file
     */
    public static GgufFile read(ByteBuffer prefix, long totalFileSize, String sourceName) {
        return Readers.read(prefix, totalFileSize, sourceName);
    }
}
