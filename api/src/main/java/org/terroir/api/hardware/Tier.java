package org.terroir.api.hardware;

/**
 * The guide's tiers: model sizes (parameters) a class of machine runs well. Ordered from smallest.
 */
public enum Tier {
    /** under 3 B parameters: standard laptop, 8–16 GB RAM. */
    UNDER_3B(0, 3),
    /** 3 B – 7 B: good laptop 16–32 GB RAM, or desktop with an entry GPU. */
    B3_TO_7(3, 7),
    /** 7 B – 13 B: desktop, mid-range GPU, 32 GB RAM. */
    B7_TO_13(7, 13),
    /** 13 B – 30 B: desktop, high-end GPU, 64 GB RAM. */
    B13_TO_30(13, 30),
    /** 30 B – 70 B and more: workstation, several GPUs, 128 GB RAM or more. */
    B30_TO_70_PLUS(30, 70);

    private final int minBillions;
    private final int maxBillions;

    Tier(int minBillions, int maxBillions) {
        this.minBillions = minBillions;
        this.maxBillions = maxBillions;
    }

    public int minBillions() {
        return minBillions;
    }

    /** Upper bound of the tier in billions of parameters (70 for the last, open-ended tier). */
    public int maxBillions() {
        return maxBillions;
    }
}
