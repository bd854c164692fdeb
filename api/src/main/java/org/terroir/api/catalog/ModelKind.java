package org.terroir.api.catalog;

/** What a model is for. */
public enum ModelKind {
    CHAT, EMBEDDING, OTHER
}
