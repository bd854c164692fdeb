package org.terroir.hardware.internal.energy;

import java.util.List;

import org.terroir.api.energy.GridIntensity;

/**
 * Yearly average carbon intensity of electricity generation, lifecycle, in gCO2e/kWh. Sources and how each figure
 * was checked: docs/ENERGY.md ("Grid intensity"). Update by editing this table and that section together.
 */
final class GridTable {
    private static final String EMBER = "Ember (via Our World in Data)";

    static final List<GridIntensity> ROWS = List.of(
            new GridIntensity("FR", 56, EMBER, 2023),
            new GridIntensity("BE", 138, EMBER, 2023),
            new GridIntensity("CH", 35, EMBER, 2023),
            new GridIntensity("DE", 381, EMBER, 2023),
            new GridIntensity("ES", 174, EMBER, 2023),
            new GridIntensity("IT", 288, EMBER, 2023),
            new GridIntensity("CA", 170, EMBER, 2023),
            new GridIntensity("US", 369, EMBER, 2023),
            new GridIntensity(GridIntensity.WORLD, 481, "Ember, Global Electricity Review 2024", 2023));

    private GridTable() {
    }
}
