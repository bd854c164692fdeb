package org.terroir.api.catalog;

import java.time.Duration;

/**
 * A snapshot of a download.
 *
 * @param repo           {@code owner/name}
 * @param file           file name in the repository
 * @param bytes          bytes on disk so far (including those of a resumed {@code .part})
 * @param total          expected size, -1 when unknown
 * @param bytesPerSecond recent speed, 0 when unknown
 * @param eta            time left at that speed, {@code null} when unknown
 * @param state          the state
 * @param message        what went wrong or what is happening (retry, resume), in the user's language; may be empty
 */
public record DownloadProgress(String repo, String file, long bytes, long total, double bytesPerSecond, Duration eta,
        DownloadState state, String message) {
    public DownloadProgress {
        message = message == null ? "" : message;
    }

    /** 0 to 1, or -1 when the total is unknown. */
    public double fraction() {
        return total > 0 ? Math.min(1.0, (double) bytes / total) : -1;
    }
}
