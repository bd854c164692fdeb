package org.terroir.hardware.internal;

import java.util.ArrayList;
import java.util.List;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.GraphicsCard;
import oshi.hardware.HardwareAbstractionLayer;

/**
 * Everything read through OSHI, kept in one class so that the rest of the probe still works (with JVM figures)
 * when OSHI or JNA cannot load on this platform: touching this class is the only thing that can fail.
 */
final class OshiProbe {
    record Raw(String os, String cpuName, int physical, int logical, List<String> featureFlags, long ramTotal,
            long ramAvailable, List<Card> cards) {
    }

    record Card(String name, String vendor, long vram) {
    }

    private OshiProbe() {
    }

    static Raw read() {
        SystemInfo si = new SystemInfo();
        HardwareAbstractionLayer hal = si.getHardware();
        CentralProcessor cpu = hal.getProcessor();
        GlobalMemory mem = hal.getMemory();
        List<Card> cards = new ArrayList<>();
        for (GraphicsCard g : hal.getGraphicsCards()) {
            cards.add(new Card(g.getName(), g.getVendor(), g.getVRam()));
        }
        List<String> flags;
        try {
            flags = cpu.getFeatureFlags();
        } catch (RuntimeException e) {
            flags = List.of();
        }
        return new Raw(si.getOperatingSystem().toString(), cpu.getProcessorIdentifier().getName().trim(),
                cpu.getPhysicalProcessorCount(), cpu.getLogicalProcessorCount(), flags, mem.getTotal(),
                mem.getAvailable(), cards);
    }
}
