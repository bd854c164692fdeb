package org.terroir.backend.llamacpp.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.terroir.backend.llamacpp.protocol.Message;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.Pair;
import de.kherud.llama.args.PoolingType;

/**
 * The loaded model inside the worker, the only code that touches de.kherud:llama. The library reports no
 * counts or reasons, so they are measured here: each streamed chunk is one sampled token (llama.cpp's server
 * sends one per token, holding back only the bytes of an unfinished UTF-8 character), and the prompt is the
 * template's output tokenized the way the model sees it.
 */
final class LlamaSession {
    /** Receives generated text for a job. */
    interface TokenSink {
        void accept(long job, String text);
    }

    private final LlamaModel model;
    private final Message.Load settings;

    private LlamaSession(LlamaModel model, Message.Load settings) {
        this.model = model;
        this.settings = settings;
    }

    static LlamaSession open(Message.Load load) {
        loadUserLibrary();
        if (!load.jinja() && !load.chatTemplate().isEmpty()) {
            if (recognizable(load.chatTemplate())) {
                return new LlamaSession(new LlamaModel(parameters(load).setChatTemplate(defused(load.chatTemplate()))),
                        load);
            }
            // llama.cpp aborts the process on a supplied template it does not recognize: the model's own is kept.
            System.err.println("terroir: the model's chat template has none of the markers of llama.cpp's built-in"
                    + " templates; the classic engine loads it as it is");
        }
        return new LlamaSession(new LlamaModel(parameters(load)), load);
    }

    /**
     * The model's template with its Jinja delimiters broken apart, so that it renders as plain text. Without
     * Jinja the classic engine formats chats with llama.cpp's built-in templates, which it picks by looking for
     * their markers ({@code <|im_start|>}, {@code [INST]}, {@code <start_of_turn>}…) in the template's text; but
     * while loading, llama.cpp b4916 also parses the template and test-renders it with its C++ renderer, which has
     * no time or size limit (a hostile template kept a load busy for minutes). The markers have no braces, so the
     * defused text picks the same built-in template, and its test render is instant.
     */
    static String defused(String template) {
        StringBuilder out = new StringBuilder(template.length() + 16);
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            out.append(c);
            char next = i + 1 < template.length() ? template.charAt(i + 1) : 0;
            if (c == '{' && (next == '{' || next == '%' || next == '#')
                    || (c == '}' || c == '%' || c == '#') && next == '}') {
                out.append(' ');
            }
        }
        return out.toString();
    }

    /**
     * Whether llama.cpp b4916 surely recognizes the template among its built-in ones. Its detection is a chain of
     * marker tests in which every branch names a built-in template; these are the markers of the first branches
     * (ChatML and Phi-4, Mistral and Llama 2, Phi-3, Gemma, Llama 3), so a template holding one is never refused.
     * A template holding none is passed as it is: llama.cpp aborts the whole process on a supplied template it
     * does not recognize, where the model's own unrecognized one only fails a chat.
     */
    static boolean recognizable(String template) {
        return template.contains("<|im_start|>") || template.contains("[INST]")
                || template.contains("<|assistant|>") && template.contains("<|end|>")
                || template.contains("<start_of_turn>")
                || template.contains("<|start_header_id|>") && template.contains("<|end_header_id|>");
    }

    private static ModelParameters parameters(Message.Load load) {
        ModelParameters parameters = new ModelParameters()
                .setModel(load.modelPath())
                .setCtxSize(load.contextLength())
                .setThreads(load.threads())
                .setThreadsBatch(load.threads())
                .setBatchSize(load.batchSize())
                .setGpuLayers(load.gpuLayers())
                .setParallel(1)
                // Measured: generation runs at half speed without it.
                .skipWarmup();
        if (!load.mmap()) {
            parameters.disableMmap();
        }
        if (load.embeddings()) {
            parameters.enableEmbedding();
            if (load.lastTokenPooling()) {
                // Without pooling the library returns the first token's vector, the same for every text; mean
                // pooling trips an assertion in this llama.cpp build for decoder models.
                parameters.setPoolingType(PoolingType.LAST);
            }
        }
        if (load.jinja()) {
            parameters.enableJinja();
        }
        return parameters;
    }

    /**
     * The library quietly falls back to its bundled build when the one at {@code de.kherud.llama.lib.path} does
     * not load; someone who asked for a GPU build must hear that it failed, so it is loaded here first.
     */
    private static void loadUserLibrary() {
        String folder = System.getProperty("de.kherud.llama.lib.path");
        if (folder == null || folder.isBlank()) {
            return;
        }
        Path library = Path.of(folder, System.mapLibraryName("jllama")).toAbsolutePath();
        if (!Files.isRegularFile(library)) {
            throw new WorkerFailure("library.missing", library.toString());
        }
        try {
            System.load(library.toString());
        } catch (UnsatisfiedLinkError e) {
            throw new WorkerFailure("library.broken", library.toString(), String.valueOf(e.getMessage()));
        }
    }

    Message generate(Message.Generate request, TokenSink sink, BooleanSupplier cancelRequested) {
        if (request.toolsJson() != null && !request.toolsJson().isEmpty()) {
            throw new WorkerFailure("classic.tools");
        }
        if (request.format() != Message.Generate.FORMAT_TEXT) {
            // The classic engine's binding has no grammar call that this worker drives; today's engine does.
            throw new WorkerFailure("classic.format");
        }
        if (request.logprobs() >= 0) {
            throw new WorkerFailure("classic.logprobs");
        }
        if (!request.biasTokens().isEmpty()) {
            // The binding cannot tell the vocabulary's size, so the ids could not be checked before the library.
            throw new WorkerFailure("classic.bias");
        }
        long start = System.nanoTime();
        String prompt = request.turns().isEmpty() ? request.prompt() : applyTemplate(request.turns());
        int bos = settings.addsBos() ? 1 : 0;
        // Tokenizing a long prompt takes milliseconds, all of them before the first token. A token is at least one
        // byte, so when the prompt's bytes and the answer fit in the context, so do its tokens: count them after.
        int promptTokens = -1;
        int limit = request.maxTokens();
        long bound = (long) prompt.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + bos + request.maxTokens();
        if (bound > settings.contextLength()) {
            promptTokens = model.encode(prompt).length + bos;
            int room = settings.contextLength() - promptTokens;
            if (room <= 0) {
                return new Message.Failed(request.job(), "prompt.too.long",
                        List.of(String.valueOf(promptTokens), String.valueOf(settings.contextLength())));
            }
            limit = Math.min(request.maxTokens(), room);
        }
        InferenceParameters parameters = new InferenceParameters(prompt)
                .setNPredict(limit)
                .setTemperature(request.temperature())
                .setTopK(request.topK())
                .setTopP(request.topP())
                .setMinP(request.minP())
                .setRepeatPenalty(request.repeatPenalty())
                .setFrequencyPenalty(request.frequencyPenalty())
                .setPresencePenalty(request.presencePenalty());
        if (request.seeded()) {
            parameters.setSeed((int) request.seed());
        }
        if (!request.stop().isEmpty()) {
            parameters.setStopStrings(request.stop().toArray(String[]::new));
        }
        LlamaIterator tokens = model.generate(parameters).iterator();
        int generated = 0;
        long firstToken = 0;
        Message.Finish finish = null;
        while (tokens.hasNext()) {
            LlamaOutput output = tokens.next();
            if (!tokens.hasNext()) {
                // The closing chunk of a stream carries no new token.
                if (!output.text.isEmpty()) {
                    sink.accept(request.job(), output.text);
                }
                break;
            }
            generated++;
            if (firstToken == 0) {
                firstToken = System.nanoTime() - start;
            }
            if (!output.text.isEmpty()) {
                sink.accept(request.job(), output.text);
            }
            if (cancelRequested.getAsBoolean()) {
                tokens.cancel();
                finish = Message.Finish.CANCELLED;
            }
        }
        if (finish == null) {
            if (generated < limit) {
                finish = Message.Finish.STOP;
            } else {
                finish = limit < request.maxTokens() ? Message.Finish.CONTEXT_FULL : Message.Finish.LENGTH;
            }
        }
        long total = System.nanoTime() - start;
        if (promptTokens < 0) {
            promptTokens = model.encode(prompt).length + bos;
        }
        return new Message.Done(request.job(), promptTokens, generated, firstToken, total, finish);
    }

    /** The conversation as the model's own chat template formats it, ready for the assistant's answer. */
    private String applyTemplate(List<Message.Turn> turns) {
        String system = null;
        List<Pair<String, String>> rest = new ArrayList<>();
        for (Message.Turn turn : turns) {
            // The platform only lets a system turn through in first place (the library takes one system message).
            if ("system".equals(turn.role()) && system == null && rest.isEmpty()) {
                system = turn.content();
            } else {
                rest.add(new Pair<>(turn.role(), turn.content()));
            }
        }
        return model.applyTemplate(new InferenceParameters("").setMessages(system, rest));
    }

    int[] tokenize(String text) {
        return model.encode(text);
    }

    Message embed(Message.Embed request) {
        List<float[]> vectors = new ArrayList<>();
        for (String text : request.texts()) {
            vectors.add(model.embed(text));
        }
        return new Message.Embeddings(request.job(), vectors);
    }
}
