package org.terroir.lib.onnxruntime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;
import org.terroir.lib.onnxruntime.internal.DjlEnvironment;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

/**
 * A Hugging Face {@code tokenizer.json}, tokenised by the Rust library through DJL. DJL stays private to this
 * bundle: callers see ids and masks only. DJL is set up offline (no download, no telemetry) with its cache
 * under {@code TERROIR_HOME} before it first runs.
 */
@ProviderType
public final class HfTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    private HfTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Reads a tokenizer.
     *
     * @param tokenizerJson the {@code tokenizer.json} file
     * @param maxLength     longest sequence in tokens (longer ones are truncated); 0 or less: never truncate
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when the file is not a tokenizer the library accepts
     */
    public static HfTokenizer open(Path tokenizerJson, int maxLength) throws IOException {
        Map<String, String> options = new HashMap<>();
        options.put("addSpecialTokens", "true");
        options.put("padding", "true"); // to the longest sequence of a batch
        if (maxLength > 0) {
            options.put("truncation", "true");
            options.put("maxLength", Integer.toString(maxLength));
            options.put("modelMaxLength", Integer.toString(maxLength));
        } else {
            options.put("truncation", "false");
        }
        return new HfTokenizer(DjlEnvironment.withBundleLoader(() -> {
            try {
                return HuggingFaceTokenizer.newInstance(tokenizerJson, options);
            } catch (RuntimeException e) {
                // The Rust side reports a malformed file as a bare RuntimeException.
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }));
    }

    /** Token ids and attention mask of one text. */
    public Encoded encode(String text, boolean addSpecialTokens) {
        Encoding e = tokenizer.encode(text, addSpecialTokens, false);
        return new Encoded(e.getIds(), e.getAttentionMask());
    }

    /** Encodes texts together, padded to the longest one (padding has mask 0). */
    public List<Encoded> encodeBatch(List<String> texts, boolean addSpecialTokens) {
        Encoding[] all = tokenizer.batchEncode(texts, addSpecialTokens, false);
        return java.util.Arrays.stream(all).map(e -> new Encoded(e.getIds(), e.getAttentionMask())).toList();
    }

    public String decode(long[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** Ids and mask of one encoded text, of equal length. */
    public record Encoded(long[] ids, long[] attentionMask) {
        public int length() {
            return ids.length;
        }
    }
}
