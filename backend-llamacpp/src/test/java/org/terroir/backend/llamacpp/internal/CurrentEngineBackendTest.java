package org.terroir.backend.llamacpp.internal;

/**
 * Every test of {@link LlamaCppBackendTest} again, on today's llama.cpp (the CPU engine pack laid out by the build
 * in target/engines), plus what only this engine does: see {@link CurrentEngineTest}.
 */
class CurrentEngineBackendTest extends LlamaCppBackendTest {
    @Override
    Engine engine() {
        return Engine.CURRENT;
    }

    /** The classic engine's own library setting: nothing to test here. */
    @Override
    void aUserSuppliedLibraryIsUsedOrRefusedButNeverIgnored() {
    }
}
