package org.terroir.catalog.internal.hub;

import java.net.URI;

/**
 * What a HEAD on {@code /{repo}/resolve/main/{file}} told about a file.
 *
 * @param url    the resolve URL
 * @param size   size in bytes ({@code X-Linked-Size}, else {@code Content-Length}), -1 when unknown
 * @param sha256 SHA-256 for LFS files ({@code X-Linked-Etag}), else null
 * @param etag   the entity tag, unquoted, or null
 * @param commit the repository commit ({@code X-Repo-Commit}), or null
 */
public record RemoteFile(URI url, long size, String sha256, String etag, String commit) {
}
