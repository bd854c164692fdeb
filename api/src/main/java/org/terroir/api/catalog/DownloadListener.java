package org.terroir.api.catalog;

import org.osgi.annotation.versioning.ConsumerType;

/** Hears how a download goes. Called from the download's thread: return quickly. */
@ConsumerType
@FunctionalInterface
public interface DownloadListener {
    void progress(DownloadProgress progress);
}
