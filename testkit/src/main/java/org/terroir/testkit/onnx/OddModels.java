package org.terroir.testkit.onnx;

import java.util.List;

/** Valid ONNX files that are neither an embedding model nor an Optimum decoder, for the rejection tests. */
public final class OddModels {
    private OddModels() {
    }

    /** An image-style model: {@code pixel_values} in, {@code scores} out. */
    public static byte[] unexpectedInputs() {
        OnnxGraph g = new OnnxGraph();
        g.input("pixel_values", OnnxGraph.FLOAT, "batch_size", 3);
        g.output("scores", OnnxGraph.FLOAT, "batch_size", 3);
        g.opNamed("Relu", "scores", List.of("pixel_values"));
        return g.toBytes("odd");
    }
}
