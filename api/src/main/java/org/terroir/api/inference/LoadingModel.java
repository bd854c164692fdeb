package org.terroir.api.inference;

import java.time.Instant;

/**
 * A model being loaded: its name, the backend loading it, since when, and how far along the load is
 * ({@code progress} from 0 to 1, or -1 while the backend has not told, or when it cannot).
 */
public record LoadingModel(String name, String backendId, Instant startedAt, double progress) {
}
