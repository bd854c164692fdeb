package org.terroir.backend.llamacpp.worker.capi;

import com.sun.jna.Structure;

/** {@code struct llama_sampler_chain_params}: one C bool. */
@Structure.FieldOrder({"no_perf"})
public class SamplerChainParams extends Structure {
    public byte no_perf;

    public static class ByValue extends SamplerChainParams implements Structure.ByValue {
    }
}
