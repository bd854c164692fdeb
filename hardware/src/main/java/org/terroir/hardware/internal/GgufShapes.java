package org.terroir.hardware.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.terroir.api.hardware.ModelShape;
import org.terroir.api.hardware.ModelShape.TensorShape;
import org.terroir.gguf.GgufArray;
import org.terroir.gguf.GgufFile;
import org.terroir.gguf.TensorInfo;

/** A validated GGUF file seen as the estimator's {@link ModelShape}. */
public final class GgufShapes {
    private GgufShapes() {
    }

    public static ModelShape of(GgufFile file) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        file.metadata().forEach((k, v) -> metadata.put(k, v instanceof GgufArray a ? a.values() : v));
        List<TensorShape> tensors = new ArrayList<>(file.tensors().size());
        for (TensorInfo t : file.tensors()) {
            tensors.add(new TensorShape(t.name(), t.dims(), t.type().name(), t.sizeBytes()));
        }
        return new ModelShape(file.source(), file.fileSize(), metadata, tensors);
    }
}
