package org.terroir.api.catalog;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Gets model files from the Hub into the library: resumes, retries, checks disk space before and while writing,
 * verifies SHA-256, and moves a file into the library only once verified.
 */
@ProviderType
public interface Downloader {
    /**
     * Starts (or resumes) a download. Returns at once; failures are reported through the download's result.
     *
     * @param repo     {@code owner/name}
     * @param file     file name in the repository
     * @param listener hears the progress, may be null
     */
    Download download(String repo, String file, DownloadListener listener);

    /** Downloads under way or queued. */
    List<Download> active();

    /**
     * Removes what a download left beside the library (its {@code .part} file and what lets it resume), cancelling
     * it first when it is under way; a model already in the library is not touched. Returns whether anything was
     * removed. Downloaders that keep nothing to resume from remove nothing.
     *
     * @since 1.3
     */
    default boolean discard(String repo, String file) {
        return false;
    }
}
