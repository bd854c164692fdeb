package org.terroir.gguf.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

import org.terroir.gguf.GgufFile;

/** Entry points behind {@link org.terroir.gguf.GgufReader}. */
public final class Readers {
    private Readers() {
    }

    public static GgufFile read(Path file) {
        Objects.requireNonNull(file, "file");
        String shown = String.valueOf(file.getFileName());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            return new Parser(new ChannelInput(channel, size), file.toString(), shown).parse();
        } catch (NoSuchFileException e) {
            throw Messages.invalid(shown, "gguf.io", "io.missing", file);
        } catch (IOException e) {
            throw io(shown, file, e);
        } catch (UncheckedIOException e) {
            throw io(shown, file, e.getCause());
        }
    }

    private static RuntimeException io(String shown, Path file, IOException e) {
        return Messages.invalid(e, shown, "gguf.io", "io.failed", file, String.valueOf(e.getMessage()));
    }

    public static GgufFile read(ByteBuffer prefix, long totalFileSize, String sourceName) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(sourceName, "sourceName");
        if (totalFileSize < 0) {
            throw new IllegalArgumentException("negative file size: " + totalFileSize);
        }
        return new Parser(new PrefixInput(prefix, totalFileSize), sourceName, sourceName).parse();
    }
}
