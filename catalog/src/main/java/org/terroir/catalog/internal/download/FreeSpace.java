package org.terroir.catalog.internal.download;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How much space is left where a file is written. A seam so that tests can pretend the disk is nearly full. */
@FunctionalInterface
public interface FreeSpace {
    FreeSpace FILE_STORE = dir -> Files.getFileStore(dir).getUsableSpace();

    long usableBytes(Path dir) throws IOException;
}
