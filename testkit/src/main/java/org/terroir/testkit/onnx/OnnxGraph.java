package org.terroir.testkit.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an ONNX model (IR 8, default opset 17) node by node and encodes it as protobuf. Only what the test
 * models need: float and int64 tensors, int/ints/float attributes, symbolic or fixed dimensions.
 */
public final class OnnxGraph {
    /** ONNX TensorProto.DataType values. */
    public static final int FLOAT = 1;
    public static final int INT64 = 7;

    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private int counter;

    /** A graph input; each dimension is a symbolic name (String) or a size (Number). */
    public OnnxGraph input(String name, int elemType, Object... dims) {
        inputs.add(valueInfo(name, elemType, dims));
        return this;
    }

    public OnnxGraph output(String name, int elemType, Object... dims) {
        outputs.add(valueInfo(name, elemType, dims));
        return this;
    }

    /** A float constant tensor (weights). */
    public String floats(String name, float[] data, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) {
            raw.putFloat(f);
        }
        initializers.add(tensor(name, FLOAT, raw.array(), dims));
        return name;
    }

    /** An int64 constant tensor (shapes, axes). */
    public String longs(String name, long[] data, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long l : data) {
            raw.putLong(l);
        }
        initializers.add(tensor(name, INT64, raw.array(), dims));
        return name;
    }

    /** Adds a node with one output (named after the op unless given) and returns that output's name. */
    public String op(String opType, List<String> in, Attr... attrs) {
        return opNamed(opType, opType.toLowerCase(java.util.Locale.ROOT) + "_" + (counter++), in, attrs);
    }

    public String opNamed(String opType, String output, List<String> in, Attr... attrs) {
        ProtoWriter node = new ProtoWriter();
        for (String i : in) {
            node.string(1, i);
        }
        node.string(2, output);
        node.string(3, "n" + (counter++));
        node.string(4, opType);
        for (Attr a : attrs) {
            node.message(5, a.encode());
        }
        nodes.add(node);
        return output;
    }

    /** The whole model as ONNX protobuf bytes. */
    public byte[] toBytes(String graphName) {
        ProtoWriter graph = new ProtoWriter();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, graphName);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(v -> graph.message(11, v));
        outputs.forEach(v -> graph.message(12, v));
        return new ProtoWriter()
                .varint(1, 8) // ir_version
                .string(2, "terroir-testkit") // producer_name
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, 17)) // opset_import
                .toByteArray();
    }

    private static ProtoWriter tensor(String name, int type, byte[] raw, long... dims) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, type).string(8, name).bytes(9, raw);
    }

    private static ProtoWriter valueInfo(String name, int elemType, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = new ProtoWriter();
            if (d instanceof Number n) {
                dim.varint(1, n.longValue());
            } else {
                dim.string(2, d.toString());
            }
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, elemType).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }

    /** A node attribute. */
    public record Attr(String name, Object value) {
        public static Attr ints(String name, long... values) {
            return new Attr(name, values);
        }

        public static Attr i(String name, long value) {
            return new Attr(name, value);
        }

        public static Attr f(String name, float value) {
            return new Attr(name, value);
        }

        ProtoWriter encode() {
            ProtoWriter a = new ProtoWriter().string(1, name);
            if (value instanceof long[] values) {
                for (long v : values) {
                    a.varint(8, v);
                }
                return a.varint(20, 7); // INTS
            }
            if (value instanceof Float f) {
                return a.float32(2, f).varint(20, 1); // FLOAT
            }
            return a.varint(3, ((Number) value).longValue()).varint(20, 2); // INT
        }
    }
}
