package org.terroir.api.catalog;

/** Where a download stands. */
public enum DownloadState {
    QUEUED, CONNECTING, DOWNLOADING, RETRYING, VERIFYING, COMPLETED, FAILED, CANCELLED;

    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
}
