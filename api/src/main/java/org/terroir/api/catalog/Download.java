package org.terroir.api.catalog;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/** A download under way. */
@ProviderType
public interface Download {
    String repo();

    String file();

    /** The latest progress. */
    DownloadProgress progress();

    /** Stops the download; the {@code .part} file is kept so that a later pull resumes. */
    void cancel();

    /** Completes with the library model once verified and moved into the library, or with a TerroirException. */
    CompletionStage<LibraryModel> result();

    /**
     * Waits for the result.
     *
     * @throws org.terroir.api.TerroirException when the download failed or was cancelled
     * @throws InterruptedException             when the waiting thread is interrupted (the download goes on)
     */
    LibraryModel await(Duration timeout) throws InterruptedException;
}
