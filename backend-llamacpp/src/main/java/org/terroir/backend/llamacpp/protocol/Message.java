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
    /**
     * Bumped whenever a message changes; the worker states its version in {@link Hello}. 4 added the penalties,
     * the logit bias and the log probabilities to {@link Generate}, {@link Logprobs}, and the vocabulary's
     * size to {@link Loaded}; 5 added the classic engine's chat template to {@link Load} and {@link LoadProgress}.
     */
    int VERSION = 5;

    byte type();

    void writeFields(DataOutput out) throws IOException;

    /** Engine names in {@link Load#engine()}. */
    String ENGINE_CURRENT = "current";
    String ENGINE_CLASSIC = "classic";

    /** Why a generation ended, as the worker saw it. */
    enum Finish { STOP, LENGTH, CANCELLED, CONTEXT_FULL, TOOL_CALLS }

    /**
     * One turn of a conversation; {@code role} is {@code system}, {@code user}, {@code assistant} or {@code tool}.
     * {@code toolCallsJson}: an assistant's calls, a JSON array of {@code {"id","name","arguments"}} with the
     * arguments as JSON text in a string ({@code ""} when none); {@code toolCallId}: what a tool turn answers
     * ({@code ""} when none). The worker reshapes them as Hugging Face templates expect.
     */
    record Turn(String role, String content, String toolCallsJson, String toolCallId) {
        public Turn(String role, String content) {
            this(role, content, "", "");
        }
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
     * e.g. why a GPU pack runs on the CPU), {@code vocabSize} the model's number of tokens (0: unknown; the
     * platform checks logit bias ids against it; version 4).
     */
    record Loaded(int contextLength, long loadNanos, String engine, List<Device> devices, int gpuLayers,
            int parallel, String notice, int vocabSize) implements Message {
        public Loaded(int contextLength, long loadNanos) {
            this(contextLength, loadNanos, "", List.of(), 0, 1, "", 0);
        }

        public Loaded(int contextLength, long loadNanos, String engine, List<Device> devices, int gpuLayers,
                int parallel, String notice) {
            this(contextLength, loadNanos, engine, devices, gpuLayers, parallel, notice, 0);
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
            out.writeInt(vocabSize);
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

    /** How far along the model's load is, from 0 to 1, sent while loading and before {@link Loaded} (version 5). */
    record LoadProgress(float progress) implements Message {
        public byte type() { return 10; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeFloat(progress);
        }
    }

    /** The tool calls a generation's answer spelled, sent just before its Done (whose finish is TOOL_CALLS). */
    record ToolCalls(long job, List<String> names, List<String> arguments) implements Message {
        public byte type() { return 8; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeLong(job);
            Wire.writeStrings(out, names);
            Wire.writeStrings(out, arguments);
        }
    }

    /**
     * One sampled token's log probability (natural log, of the log-softmax of the raw logits at its position) and,
     * in {@code top}, the most likely tokens there, most likely first (their own {@code top} is empty).
     */
    record Logprob(byte[] bytes, float logprob, List<Logprob> top) {
    }

    /**
     * The log probabilities of every token a generation sampled, in order (an end-of-generation token is not
     * among them), sent just before its Done when the request asked for them.
     */
    record Logprobs(long job, List<Logprob> tokens) implements Message {
        public byte type() { return 9; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeLong(job);
            out.writeInt(tokens.size());
            for (Logprob t : tokens) {
                Wire.writeBytes(out, t.bytes());
                out.writeFloat(t.logprob());
                out.writeInt(t.top().size());
                for (Logprob alt : t.top()) {
                    Wire.writeBytes(out, alt.bytes());
                    out.writeFloat(alt.logprob());
                }
            }
        }

        static Logprobs read(DataInput in) throws IOException {
            long job = in.readLong();
            int count = in.readInt();
            if (count < 0 || count > Wire.MAX_LENGTH) {
                throw new ProtocolException("bad logprob count " + count);
            }
            List<Logprob> tokens = new ArrayList<>(Math.min(count, 4096));
            for (int i = 0; i < count; i++) {
                byte[] bytes = Wire.readBytes(in);
                float logprob = in.readFloat();
                int n = in.readInt();
                if (n < 0 || n > 64) {
                    throw new ProtocolException("bad top logprob count " + n);
                }
                List<Logprob> top = new ArrayList<>(n);
                for (int j = 0; j < n; j++) {
                    top.add(new Logprob(Wire.readBytes(in), in.readFloat(), List.of()));
                }
                tokens.add(new Logprob(bytes, logprob, List.copyOf(top)));
            }
            return new Logprobs(job, List.copyOf(tokens));
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
     * (for models that declare no pooling of their own). {@code chatTemplate}: for the classic engine, the model's
     * chat template as the GGUF file holds it ({@code ""}: none), which the worker defuses before the library sees
     * it (version 5).
     */
    record Load(String modelPath, int contextLength, int threads, int batchSize, int gpuLayers, boolean mmap,
            boolean embeddings, boolean lastTokenPooling, boolean jinja, boolean addsBos, String engine,
            String enginePack, int parallel, String chatTemplate) implements Message {
        public Load {
            chatTemplate = chatTemplate == null ? "" : chatTemplate;
        }

        /** The classic engine (de.kherud:llama), one sequence. */
        public Load(String modelPath, int contextLength, int threads, int batchSize, int gpuLayers, boolean mmap,
                boolean embeddings, boolean lastTokenPooling, boolean jinja, boolean addsBos) {
            this(modelPath, contextLength, threads, batchSize, gpuLayers, mmap, embeddings, lastTokenPooling, jinja,
                    addsBos, ENGINE_CLASSIC, "", 1, "");
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
            Wire.writeString(out, chatTemplate);
        }
    }

    /** Either {@code turns} (formatted with the model's chat template) or a raw {@code prompt}. */
    /**
     * A generation. {@code format} constrains the answer: {@link #FORMAT_TEXT} (none), {@link #FORMAT_JSON_OBJECT}
     * (any JSON object), {@link #FORMAT_JSON_SCHEMA} ({@code schema} is the JSON Schema; the worker turns it into a
     * grammar and fails the request with {@code schema.*} codes if it cannot) or {@link #FORMAT_GRAMMAR}
     * ({@code schema} is GBNF text, start rule {@code root}; an invalid one fails with {@code grammar.invalid}).
     * {@code toolsJson}: the tools, a JSON array of {@code {"name","description","parameters"}} with the parameters'
     * schema as JSON text in a string ({@code ""} when none); {@code toolChoice}: {@code auto}, {@code required}
     * or {@code function:NAME} (with {@code none} the platform sends no tools). Protocol version 3 added
     * {@code format}, {@code schema}, the tools and the turns' tool fields.
     * {@code presencePenalty}/{@code frequencyPenalty}: OpenAI's (0: off); {@code biasTokens}/{@code biasValues}:
     * the logit bias, one value per token id (ids checked by the worker against the vocabulary before they reach
     * the library); {@code logprobs}: -1 none, else each token's log probability with that many alternatives
     * (version 4).
     */
    record Generate(long job, List<Turn> turns, String prompt, int maxTokens, float temperature, int topK,
            float topP, float minP, float repeatPenalty, boolean seeded, long seed, List<String> stop, int format,
            String schema, String toolsJson, String toolChoice, float presencePenalty, float frequencyPenalty,
            List<Integer> biasTokens, List<Float> biasValues, int logprobs) implements Message {
        public static final int FORMAT_TEXT = 0;
        public static final int FORMAT_JSON_OBJECT = 1;
        public static final int FORMAT_JSON_SCHEMA = 2;
        public static final int FORMAT_GRAMMAR = 3;

        public Generate {
            biasTokens = biasTokens == null ? List.of() : List.copyOf(biasTokens);
            biasValues = biasValues == null ? List.of() : List.copyOf(biasValues);
            if (biasTokens.size() != biasValues.size()) {
                throw new IllegalArgumentException("one bias value per token");
            }
        }

        /** Without penalties, bias or log probabilities (the version 3 fields). */
        public Generate(long job, List<Turn> turns, String prompt, int maxTokens, float temperature, int topK,
                float topP, float minP, float repeatPenalty, boolean seeded, long seed, List<String> stop, int format,
                String schema, String toolsJson, String toolChoice) {
            this(job, turns, prompt, maxTokens, temperature, topK, topP, minP, repeatPenalty, seeded, seed, stop,
                    format, schema, toolsJson, toolChoice, 0f, 0f, List.of(), List.of(), -1);
        }

        /** No tools. */
        public Generate(long job, List<Turn> turns, String prompt, int maxTokens, float temperature, int topK,
                float topP, float minP, float repeatPenalty, boolean seeded, long seed, List<String> stop, int format,
                String schema) {
            this(job, turns, prompt, maxTokens, temperature, topK, topP, minP, repeatPenalty, seeded, seed, stop,
                    format, schema, "", "auto");
        }

        /** An unconstrained generation (the version 2 fields). */
        public Generate(long job, List<Turn> turns, String prompt, int maxTokens, float temperature, int topK,
                float topP, float minP, float repeatPenalty, boolean seeded, long seed, List<String> stop) {
            this(job, turns, prompt, maxTokens, temperature, topK, topP, minP, repeatPenalty, seeded, seed, stop,
                    FORMAT_TEXT, "");
        }

        public byte type() { return 21; }

        public void writeFields(DataOutput out) throws IOException {
            out.writeLong(job);
            out.writeInt(turns.size());
            for (Turn turn : turns) {
                Wire.writeString(out, turn.role());
                Wire.writeString(out, turn.content());
                Wire.writeString(out, turn.toolCallsJson());
                Wire.writeString(out, turn.toolCallId());
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
            out.writeInt(format);
            Wire.writeString(out, schema);
            Wire.writeString(out, toolsJson);
            Wire.writeString(out, toolChoice);
            out.writeFloat(presencePenalty);
            out.writeFloat(frequencyPenalty);
            out.writeInt(biasTokens.size());
            for (int i = 0; i < biasTokens.size(); i++) {
                out.writeInt(biasTokens.get(i));
                out.writeFloat(biasValues.get(i));
            }
            out.writeInt(logprobs);
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
                        Wire.readString(in), in.readInt());
            }
            case 3: return new Token(in.readLong(), Wire.readString(in));
            case 4: return new Done(in.readLong(), in.readInt(), in.readInt(), in.readLong(), in.readLong(),
                    finish(in.readByte()), in.readInt());
            case 5: return new Failed(in.readLong(), Wire.readString(in), Wire.readStrings(in));
            case 6: return new Tokens(in.readLong(), Wire.readInts(in));
            case 8: return new ToolCalls(in.readLong(), Wire.readStrings(in), Wire.readStrings(in));
            case 9: return Logprobs.read(in);
            case 10: return new LoadProgress(in.readFloat());
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
                    Wire.readString(in), Wire.readString(in), in.readInt(), Wire.readString(in));
            case 21: {
                long job = in.readLong();
                int count = in.readInt();
                if (count < 0 || count > Wire.MAX_LENGTH) {
                    throw new ProtocolException("bad turn count " + count);
                }
                List<Turn> turns = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    turns.add(new Turn(Wire.readString(in), Wire.readString(in), Wire.readString(in),
                            Wire.readString(in)));
                }
                List<Integer> tokens = new ArrayList<>();
                List<Float> values = new ArrayList<>();
                return new Generate(job, List.copyOf(turns), Wire.readString(in), in.readInt(), in.readFloat(),
                        in.readInt(), in.readFloat(), in.readFloat(), in.readFloat(), in.readBoolean(), in.readLong(),
                        Wire.readStrings(in), in.readInt(), Wire.readString(in), Wire.readString(in),
                        Wire.readString(in), in.readFloat(), in.readFloat(), readBias(in, tokens, values),
                        List.copyOf(values), in.readInt());
            }
            case 22: return new Cancel(in.readLong());
            case 23: return new Tokenize(in.readLong(), Wire.readString(in));
            case 24: return new Embed(in.readLong(), Wire.readStrings(in));
            case 25: return new Shutdown();
            default: throw new ProtocolException("unknown message type " + type);
        }
    }

    /** Reads the logit bias pairs into {@code tokens} and {@code values}; returns the tokens. */
    private static List<Integer> readBias(DataInput in, List<Integer> tokens, List<Float> values) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > Wire.MAX_LENGTH / 8) {
            throw new ProtocolException("bad bias count " + count);
        }
        for (int i = 0; i < count; i++) {
            tokens.add(in.readInt());
            values.add(in.readFloat());
        }
        return List.copyOf(tokens);
    }

    private static Finish finish(byte ordinal) throws ProtocolException {
        Finish[] values = Finish.values();
        if (ordinal < 0 || ordinal >= values.length) {
            throw new ProtocolException("unknown finish reason " + ordinal);
        }
        return values[ordinal];
    }
}
