package org.terroir.api.catalog;

/** How a local file enters the library. */
public enum ImportMode {
    /** Copy it (the original stays). */
    COPY,
    /** Hard-link it (no extra space; same file system only). */
    LINK,
    /** Move it. */
    MOVE
}
