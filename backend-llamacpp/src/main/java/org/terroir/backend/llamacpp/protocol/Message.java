package org.terroir.backend.llamacpp.protocol;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Every message the platform and a worker exchange over their private socket. A frame is the type byte
 * followed by the fields in declaration order ({@link Wire} encodings), so both sides stay in step without a
 * length prefix; an unknown type ends the connection.
 */
public sealed interface Message {
    /** Bumped whenever a message changes; the worker states its version in {@link Hello}. */
    int VERSION = 2;

    byte type();

    void writeFields(DataOutput out) throws IOException;

    /** Engine names in {@link Load#engine()}. */
    String ENGINE_CURRENT = "current";
    String ENGINE_CLASSIC = "classic";

    /** Why a generation ended, as the worker saw it. */
    enum Finish { STOP, LENGTH, CANCELLED, CONTEXT_FULL }

    /** One turn of a conversation; {@code role} is {@code system}, {@code user} or {@code assistant}. */
    record Turn(String role, String content) {
    }

    // ---- worker -> platform ----

    /** First message of a worker: proves it is the process the platform started. */
    record Hello(String secret, int version, long pid) implements Message {
        public byte type() { return 1; }

        public void writeFields(DataOutput out) throws IOException {
            Wire.writeString(out, secret);
            out.writeInt(version);
            out.writeLong(pid);
        }
    }

    /** A device ggml found: {@code type} is cpu, gpu, igpu or accel; memory in bytes. */
    record Device(String name, String type, String description, long freeBytes, long totalBytes) {
        public boolean isGpu() {
            return type.equals("gpu") || type.equals("igpu");
        }
    }

    /**
     * The model is ready. {@code engine} says which llama.cpp runs it (and its CPU variant), {@code devices} what
     * ggml found, {@code gpuLayers} how many layers went to a GPU,
     * {@code parallel} how many sequences decode together, {@code notice} a line the user should read ("" if none:
     * e.g. why a GPU pack runs on the CPU).
     */
    record Loaded(int contextLength, long loadNanos, String engine, List<Device> devices, int gpuLayers,
            int parallel, String notice) implements Message {
        public Loaded(int contextLength, long loadNanos) {
            this(contextLength, loadNanos, "", List.of(), 0, 1, "");
        }

        public byte type() { return 2; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeInt(contextLength);
            out.writeLong(loadNanos);
            Wire.writeString(out, engine);
            out.writeInt(devices.size());
            for (Device d : devices) {
                Wire.writeString(out, d.name());
                Wire.writeString(out, d.type());
                Wire.writeString(out, d.description());
                out.writeLong(d.freeBytes());
                out.writeLong(d.totalBytes());
            }
            out.writeInt(gpuLayers);
            out.writeInt(parallel);
            Wire.writeString(out, notice);
        }
    }

    /** A piece of generated text. */
    record Token(long job, String text) implements Message {
        public byte type() { return 3; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeLong(job);
            Wire.writeString(out, text);
        }
    }

    /** A generation ended; the counts and times are the worker's own measurements. */
    record Done(long job, int promptTokens, int generatedTokens, long firstTokenNanos, long totalNanos,
            Finish finish, int cachedTokens) implements Message {
        public Done(long job, int promptTokens, int generatedTokens, long firstTokenNanos, long totalNanos,
                Finish finish) {
            this(job, promptTokens, generatedTokens, firstTokenNanos, totalNanos, finish, 0);
        }

        public byte type() { return 4; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeLong(job);
            out.writeInt(promptTokens);
            out.writeInt(generatedTokens);
            out.writeLong(firstTokenNanos);
            out.writeLong(totalNanos);
            out.writeByte(finish.ordinal());
            out.writeInt(cachedTokens);
        }
    }

    /**
     * A job (or, with job 0, the load) failed. {@code code} names the text the platform shows, {@code args}
     * fill it in; the worker has no access to the platform's translations.
     */
    record Failed(long job, String code, List<String> args) implements Message {
        public byte type() { return 5; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeLong(job);
            Wire.writeString(out, code);
            Wire.writeStrings(out, args);
        }
    }

    record Tokens(long job, int[] ids) implements Message {
        public byte type() { return 6; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeLong(job);
            Wire.writeInts(out, ids);
        }
    }

    record Embeddings(long job, List<float[]> vectors) implements Message {
        public byte type() { return 7; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeLong(job);
            out.writeInt(vectors.size());
            for (float[] vector : vectors) {
                Wire.writeFloats(out, vector);
            }
        }
    }

    // ---- platform -> worker ----

    /**
     * Settings already validated by the platform. {@code lastTokenPooling}: embeddings are the last token's state
     * (for models that declare no pooling of their own).
     */
    record Load(String modelPath, int contextLength, int threads, int batchSize, int gpuLayers, boolean mmap,
            boolean embeddings, boolean lastTokenPooling, boolean jinja, boolean addsBos, String engine,
            String enginePack, int parallel) implements Message {
        /** The classic engine (de.kherud:llama), one sequence. */
        public Load(String modelPath, int contextLength, int threads, int batchSize, int gpuLayers, boolean mmap,
                boolean embeddings, boolean lastTokenPooling, boolean jinja, boolean addsBos) {
            this(modelPath, contextLength, threads, batchSize, gpuLayers, mmap, embeddings, lastTokenPooling, jinja,
                    addsBos, ENGINE_CLASSIC, "", 1);
        }

        public byte type() { return 20; }

        public void writeFields(DataOutput out) throws IOException {
            Wire.writeString(out, modelPath);
            out.writeInt(contextLength);
            out.writeInt(threads);
            out.writeInt(batchSize);
            out.writeInt(gpuLayers);
            out.writeBoolean(mmap);
            out.writeBoolean(embeddings);
            out.writeBoolean(lastTokenPooling);
            out.writeBoolean(jinja);
            out.writeBoolean(addsBos);
            Wire.writeString(out, engine);
            Wire.writeString(out, enginePack);
            out.writeInt(parallel);
        }
    }

    /** Either {@code turns} (formatted with the model's chat template) or a raw {@code prompt}. */
    record Generate(long job, List<Turn> turns, String prompt, int maxTokens, float temperature, int topK,
            float topP, float minP, float repeatPenalty, boolean seeded, long seed, List<String> stop)
            implements Message {
        public byte type() { return 21; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeLong(job);
            out.writeInt(turns.size());
            for (Turn turn : turns) {
                Wire.writeString(out, turn.role());
                Wire.writeString(out, turn.content());
            }
            Wire.writeString(out, prompt);
            out.writeInt(maxTokens);
            out.writeFloat(temperature);
            out.writeInt(topK);
            out.writeFloat(topP);
            out.writeFloat(minP);
            out.writeFloat(repeatPenalty);
            out.writeBoolean(seeded);
            out.writeLong(seed);
            Wire.writeStrings(out, stop);
        }
    }

    record Cancel(long job) implements Message {
        public byte type() { return 22; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeLong(job);
        }
    }

    record Tokenize(long job, String text) implements Message {
        public byte type() { return 23; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeLong(job);
            Wire.writeString(out, text);
        }
    }

    record Embed(long job, List<String> texts) implements Message {
        public byte type() { return 24; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeLong(job);
            Wire.writeStrings(out, texts);
        }
    }

    /** Asks the worker to exit. */
    record Shutdown() implements Message {
        public byte type() { return 25; }

        public void writeFields(DataOutput out) {
        }
    }

    /** Reads the fields of a message whose type byte was just read. */
    static Message readFields(byte type, DataInput in) throws IOException {
        switch (type) {
            case 1: return new Hello(Wire.readString(in), in.readInt(), in.readLong());
            case 2: {
                int contextLength = in.readInt();
                long loadNanos = in.readLong();
                String engine = Wire.readString(in);
                int count = in.readInt();
                if (count < 0 || count > Wire.MAX_LENGTH) {
                    throw new ProtocolException("bad device count " + count);
                }
                List<Device> devices = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    devices.add(new Device(Wire.readString(in), Wire.readString(in), Wire.readString(in),
                            in.readLong(), in.readLong()));
                }
                return new Loaded(contextLength, loadNanos, engine, List.copyOf(devices), in.readInt(), in.readInt(),
                        Wire.readString(in));
            }
            case 3: return new Token(in.readLong(), Wire.readString(in));
            case 4: return new Done(in.readLong(), in.readInt(), in.readInt(), in.readLong(), in.readLong(),
                    finish(in.readByte()), in.readInt());
            case 5: return new Failed(in.readLong(), Wire.readString(in), Wire.readStrings(in));
            case 6: return new Tokens(in.readLong(), Wire.readInts(in));
            case 7: {
                long job = in.readLong();
                int count = in.readInt();
                if (count < 0 || count > Wire.MAX_LENGTH) {
                    throw new ProtocolException("bad vector count " + count);
                }
                List<float[]> vectors = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    vectors.add(Wire.readFloats(in));
                }
                return new Embeddings(job, List.copyOf(vectors));
            }
            case 20: return new Load(Wire.readString(in), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                    in.readBoolean(), in.readBoolean(), in.readBoolean(), in.readBoolean(), in.readBoolean(),
                    Wire.readString(in), Wire.readString(in), in.readInt());
            case 21: {
                long job = in.readLong();
                int count = in.readInt();
                if (count < 0 || count > Wire.MAX_LENGTH) {
                    throw new ProtocolException("bad turn count " + count);
                }
                List<Turn> turns = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    turns.add(new Turn(Wire.readString(in), Wire.readString(in)));
                }
                return new Generate(job, List.copyOf(turns), Wire.readString(in), in.readInt(), in.readFloat(),
                        in.readInt(), in.readFloat(), in.readFloat(), in.readFloat(), in.readBoolean(), in.readLong(),
                        Wire.readStrings(in));
            }
            case 22: return new Cancel(in.readLong());
            case 23: return new Tokenize(in.readLong(), Wire.readString(in));
            case 24: return new Embed(in.readLong(), Wire.readStrings(in));
            case 25: return new Shutdown();
            default: throw new ProtocolException("unknown message type " + type);
        }
    }

    private static Finish finish(byte ordinal) throws ProtocolException {
        Finish[] values = Finish.values();
        if (ordinal < 0 || ordinal >= values.length) {
            throw new ProtocolException("unknown finish reason " + ordinal);
        }
        return values[ordinal];
    }
}
