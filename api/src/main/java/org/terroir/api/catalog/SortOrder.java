package org.terroir.api.catalog;

/** How search results are ordered, as the Hub names them. */
public enum SortOrder {
    DOWNLOADS("downloads"), LIKES("likes"), TRENDING("trendingScore");

    private final String hubName;

    SortOrder(String hubName) {
        this.hubName = hubName;
    }

    /** The value of the Hub's {@code sort} parameter. */
    public String hubName() {
        return hubName;
    }
}
