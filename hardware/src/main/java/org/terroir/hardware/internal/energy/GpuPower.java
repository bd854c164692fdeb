package org.terroir.hardware.internal.energy;

/** A GPU's energy, summed while it works. */
interface GpuPower {
    /** Joules the GPUs used while busy, since this source started; grows only while {@link #demand} is on. */
    double joules();

    /** Asks for sampling (a window is open) or lets it stop (none is). */
    void demand(boolean on);

    /** What the figure comes from, for an {@link org.terroir.api.energy.EnergyUse}'s source. */
    String source();

    /** No GPU that can be read. */
    GpuPower NONE = new GpuPower() {
        @Override
        public double joules() {
            return 0;
        }

        @Override
        public void demand(boolean on) {
        }

        @Override
        public String source() {
            return "";
        }
    };
}
