package org.terroir.backend.onnx.internal;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/** The backend's settings as a value, read from {@link OnnxBackendConfig} (or made directly in tests). */
public record OnnxSettings(int intraOpThreads, int interOpThreads, String optimization, int embeddingBatchSize,
        int embeddingMaxTokens, int contextLength) {

    public static OnnxSettings defaults() {
        return new OnnxSettings(0, 1, "ALL_OPT", 32, 512, 0);
    }

    static OnnxSettings from(OnnxBackendConfig c) {
        return new OnnxSettings(Math.max(0, c.intraOpThreads()), Math.max(0, c.interOpThreads()), c.optimization(),
                Math.max(1, c.embeddingBatchSize()), Math.max(8, c.embeddingMaxTokens()), Math.max(0, c.contextLength()));
    }

    public OnnxSettings withIntraOpThreads(int value) {
        return new OnnxSettings(value, interOpThreads, optimization, embeddingBatchSize, embeddingMaxTokens,
                contextLength);
    }

    OrtSession.SessionOptions sessionOptions(Integer threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        int intra = threads != null && threads > 0 ? threads : intraOpThreads;
        if (intra > 0) {
            o.setIntraOpNumThreads(intra);
        }
        if (interOpThreads > 0) {
            o.setInterOpNumThreads(interOpThreads);
        }
        OrtSession.SessionOptions.OptLevel level;
        try {
            level = OrtSession.SessionOptions.OptLevel.valueOf(optimization);
        } catch (IllegalArgumentException | NullPointerException e) {
            level = OrtSession.SessionOptions.OptLevel.ALL_OPT;
        }
        o.setOptimizationLevel(level);
        return o;
    }
}
