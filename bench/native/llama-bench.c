/*
 * Terroir's native baseline: today's llama.cpp (v0.4.0, the prebuilt libraries of @node-llama-cpp/linux-x64)
 * driven from plain C, to measure what the Java worker path should match. Built and run by bench/run-engine,
 * never by Maven.
 *
 *   llama-bench MODEL [THREADS [N_PROMPT [N_GEN [N_SEQ [REPS]]]]] [options]
 *   llama-bench MODEL --load-only [--threads N] [options]
 *
 * options: --backends DIR (where libggml-cpu-*.so lie; default: the folder it was built against)
 *          --ctx N (context; default n_seq * (n_prompt + n_gen) rounded up to 256)
 *          --fa on|off|auto (flash attention; default auto, llama.cpp's own default)
 *          --verbose (llama.cpp's log lines on stderr)
 *
 * Each measurement is one line on stdout, words then key=value pairs:
 *   pp rep=1 n_prompt=128 ms=512.3 tokens/s=249.85
 *   tg rep=1 n_gen=64 ms=980.1 tokens/s=65.30
 *   pp_parallel rep=1 n_seq=4 n_prompt=128 ms=... tokens/s=...      (N_SEQ > 1: each sequence its own prompt)
 *   tg_aggregate rep=1 n_seq=4 n_gen=64 ms=... tokens/s=...         (all sequences in one batch per step)
 * then one "median" line per kind (pp median reps=3 tokens/s=...). Lines starting with '#' are information.
 * --load-only prints "ok arch=<general.architecture> ..." after loading, decoding 8 tokens and generating 4
 * greedily with finite logits, or "fail ..." and exits 1.
 */
#include <ggml-backend.h>
#include <llama.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef TERROIR_BACKEND_DIR
#define TERROIR_BACKEND_DIR "."
#endif

#define MAX_REPS 64

static int verbose;
static char cpu_variant[256] = "none";

/* The log callback must be in place before the backends load, or the line naming the CPU variant is lost. */
static void on_log(enum ggml_log_level level, const char *text, void *user_data) {
    (void) user_data;
    const char *mark = strstr(text, "loaded CPU backend from ");
    if (mark != NULL) {
        const char *path = mark + strlen("loaded CPU backend from ");
        const char *base = strrchr(path, '/');
        base = base ? base + 1 : path;
        size_t n = strcspn(base, "\r\n");
        if (n >= sizeof cpu_variant) {
            n = sizeof cpu_variant - 1;
        }
        memcpy(cpu_variant, base, n);
        cpu_variant[n] = '\0';
    }
    if (verbose || level == GGML_LOG_LEVEL_ERROR) {
        fputs(text, stderr);
    }
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static llama_token random_token(int32_t n_vocab) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (llama_token) (rng_state % (uint64_t) n_vocab);
}

static void batch_add(struct llama_batch *b, llama_token token, llama_pos pos, llama_seq_id seq, bool output) {
    int i = b->n_tokens++;
    b->token[i] = token;
    b->pos[i] = pos;
    b->n_seq_id[i] = 1;
    b->seq_id[i][0] = seq;
    b->logits[i] = output ? 1 : 0;
}

/* Greedy pick over the logits of batch output i; -1 when a logit is not finite. */
static llama_token argmax(struct llama_context *ctx, int32_t i, int32_t n_vocab) {
    const float *logits = llama_get_logits_ith(ctx, i);
    if (logits == NULL) {
        return -1;
    }
    llama_token best = 0;
    for (int32_t t = 0; t < n_vocab; t++) {
        if (!isfinite(logits[t])) {
            return -1;
        }
        if (logits[t] > logits[best]) {
            best = t;
        }
    }
    return best;
}

/* Decodes n tokens of one sequence from position pos0, in pieces of at most n_batch; output on the last only. */
static int decode_prompt(struct llama_context *ctx, struct llama_batch *b, int32_t n_batch, const llama_token *tokens,
                         int32_t n, llama_pos pos0, llama_seq_id seq) {
    for (int32_t done = 0; done < n;) {
        int32_t piece = n - done < n_batch ? n - done : n_batch;
        b->n_tokens = 0;
        for (int32_t i = 0; i < piece; i++) {
            batch_add(b, tokens[done + i], pos0 + done + i, seq, done + i == n - 1);
        }
        int rc = llama_decode(ctx, *b);
        if (rc != 0) {
            fprintf(stderr, "llama_decode returned %d\n", rc);
            return rc;
        }
        done += piece;
    }
    return 0;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double median(double *values, int n) {
    qsort(values, (size_t) n, sizeof *values, compare_doubles);
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static void usage(void) {
    fprintf(stderr, "usage: llama-bench MODEL [THREADS [N_PROMPT [N_GEN [N_SEQ [REPS]]]]] [--load-only] "
                    "[--threads N] [--ctx N] [--fa on|off|auto] [--backends DIR] [--verbose]\n");
    exit(2);
}

static int parse_int(const char *s, int min) {
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < min || v > 1 << 24) {
        fprintf(stderr, "not a number >= %d: %s\n", min, s);
        usage();
    }
    return (int) v;
}

int main(int argc, char **argv) {
    const char *model_path = NULL;
    const char *backends = TERROIR_BACKEND_DIR;
    int positional[5] = {2, 128, 64, 1, 3}; /* threads, n_prompt, n_gen, n_seq, reps */
    int n_positional = 0;
    int load_only = 0, n_ctx = 0;
    enum llama_flash_attn_type fa = LLAMA_FLASH_ATTN_TYPE_AUTO;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--load-only") == 0) {
            load_only = 1;
        } else if (strcmp(a, "--verbose") == 0) {
            verbose = 1;
        } else if (strcmp(a, "--threads") == 0 && i + 1 < argc) {
            positional[0] = parse_int(argv[++i], 1);
        } else if (strcmp(a, "--ctx") == 0 && i + 1 < argc) {
            n_ctx = parse_int(argv[++i], 16);
        } else if (strcmp(a, "--backends") == 0 && i + 1 < argc) {
            backends = argv[++i];
        } else if (strcmp(a, "--fa") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            fa = strcmp(v, "on") == 0 ? LLAMA_FLASH_ATTN_TYPE_ENABLED
               : strcmp(v, "off") == 0 ? LLAMA_FLASH_ATTN_TYPE_DISABLED : LLAMA_FLASH_ATTN_TYPE_AUTO;
        } else if (a[0] == '-' && a[1] == '-') {
            usage();
        } else if (model_path == NULL) {
            model_path = a;
        } else if (n_positional < 5) {
            int min = n_positional == 1 || n_positional == 2 ? 0 : 1; /* no prompt or no generation is allowed */
            positional[n_positional] = parse_int(a, min);
            n_positional++;
        } else {
            usage();
        }
    }
    if (model_path == NULL) {
        usage();
    }
    int threads = positional[0], n_prompt = positional[1], n_gen = positional[2], n_seq = positional[3];
    int reps = positional[4] > MAX_REPS ? MAX_REPS : positional[4];
    if (load_only) {
        n_prompt = 8;
        n_gen = 4;
        n_seq = 1;
    }

    llama_log_set(on_log, NULL);
    ggml_backend_load_all_from_path(backends);
    llama_backend_init();
    printf("# cpu_variant=%s backends=%s\n", cpu_variant, backends);
    for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
        ggml_backend_dev_t dev = ggml_backend_dev_get(i);
        printf("# device %zu: %s (%s)\n", i, ggml_backend_dev_name(dev), ggml_backend_dev_description(dev));
    }
    if (ggml_backend_dev_count() == 0) {
        printf("fail no backend loaded from %s\n", backends);
        return 1;
    }

    struct llama_model_params mp = llama_model_default_params();
    double t0 = now_ms();
    struct llama_model *model = llama_model_load_from_file(model_path, mp);
    if (model == NULL) {
        printf("fail load %s\n", model_path);
        return 1;
    }
    double load_ms = now_ms() - t0;
    char arch[128] = "?", desc[256] = "?";
    llama_model_meta_val_str(model, "general.architecture", arch, sizeof arch);
    llama_model_desc(model, desc, sizeof desc);
    const struct llama_vocab *vocab = llama_model_get_vocab(model);
    int32_t n_vocab = llama_vocab_n_tokens(vocab);
    printf("# model=%s arch=%s desc=\"%s\" params=%llu load_ms=%.1f\n", model_path, arch, desc,
           (unsigned long long) llama_model_n_params(model), load_ms);

    int per_seq = n_prompt + n_gen + 8;
    if (n_ctx == 0) {
        n_ctx = (n_seq * per_seq + 255) / 256 * 256;
    }
    int n_batch = n_prompt > n_seq ? n_prompt : n_seq;
    if (n_batch < 8) {
        n_batch = 8;
    }
    if (n_batch > 2048) {
        n_batch = 2048;
    }
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = (uint32_t) n_ctx;
    cp.n_batch = (uint32_t) n_batch;
    cp.n_ubatch = (uint32_t) (n_batch < 512 ? n_batch : 512);
    cp.n_seq_max = (uint32_t) n_seq;
    /* the context's default is 4 threads, not the core count */
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    cp.flash_attn_type = fa;
    cp.no_perf = true;
    struct llama_context *ctx = llama_init_from_model(model, cp);
    if (ctx == NULL) {
        printf("fail context arch=%s n_ctx=%d n_seq=%d\n", arch, n_ctx, n_seq);
        return 1;
    }
    llama_memory_t mem = llama_get_memory(ctx);
    printf("# threads=%d n_ctx=%u n_batch=%d n_seq=%d n_vocab=%d\n", threads, llama_n_ctx(ctx), n_batch, n_seq,
           n_vocab);

    struct llama_batch batch = llama_batch_init(n_batch, 0, n_seq);
    llama_token *prompt = malloc(sizeof(llama_token) * (size_t) (n_prompt > 0 ? n_prompt : 1));
    llama_token *next = malloc(sizeof(llama_token) * (size_t) n_seq);
    int status = 0;

    if (load_only) {
        for (int i = 0; i < n_prompt; i++) {
            prompt[i] = random_token(n_vocab);
        }
        llama_token generated[4];
        status = decode_prompt(ctx, &batch, n_batch, prompt, n_prompt, 0, 0);
        for (int g = 0; status == 0 && g < n_gen; g++) {
            llama_token t = argmax(ctx, -1, n_vocab);
            if (t < 0) {
                printf("fail arch=%s logits not finite at step %d\n", arch, g);
                status = 1;
                break;
            }
            generated[g] = t;
            batch.n_tokens = 0;
            batch_add(&batch, t, n_prompt + g, 0, true);
            status = llama_decode(ctx, batch);
        }
        if (status == 0) {
            printf("ok arch=%s params=%llu cpu_variant=%s generated=%d,%d,%d,%d\n", arch,
                   (unsigned long long) llama_model_n_params(model), cpu_variant, generated[0], generated[1],
                   generated[2], generated[3]);
        } else if (status != 1) {
            printf("fail arch=%s decode returned %d\n", arch, status);
        }
        goto done;
    }

    /* warm-up, not measured: one whole prompt and one step of every sequence (pages the weights in, starts the
       thread pool, allocates the compute buffers of both batch shapes) */
    for (int i = 0; i < n_prompt; i++) {
        prompt[i] = random_token(n_vocab);
    }
    status = decode_prompt(ctx, &batch, n_batch, prompt, n_prompt, 0, 0);
    batch.n_tokens = 0;
    for (llama_seq_id s = 0; status == 0 && s < n_seq; s++) {
        batch_add(&batch, random_token(n_vocab), n_prompt, s, true);
    }
    if (status == 0) {
        status = llama_decode(ctx, batch);
    }
    llama_memory_clear(mem, true);

    double pp_rate[MAX_REPS], tg_rate[MAX_REPS];
    const char *pp_kind = n_seq > 1 ? "pp_parallel" : "pp";
    const char *tg_kind = n_seq > 1 ? "tg_aggregate" : "tg";
    for (int r = 0; status == 0 && r < reps; r++) {
        llama_memory_clear(mem, true);
        /* prompt processing: each sequence its own random prompt, positions from 0 */
        double pp_ms = 0;
        for (llama_seq_id s = 0; status == 0 && s < n_seq; s++) {
            for (int i = 0; i < n_prompt; i++) {
                prompt[i] = random_token(n_vocab);
            }
            double start = now_ms();
            status = decode_prompt(ctx, &batch, n_batch, prompt, n_prompt, 0, s);
            llama_synchronize(ctx);
            pp_ms += now_ms() - start;
            next[s] = n_prompt > 0 ? argmax(ctx, -1, n_vocab) : random_token(n_vocab);
        }
        if (status != 0) {
            break;
        }
        pp_rate[r] = n_prompt > 0 ? n_seq * n_prompt / (pp_ms / 1e3) : 0;
        if (n_prompt == 0) {
            /* nothing measured */
        } else if (n_seq > 1) {
            printf("%s rep=%d n_seq=%d n_prompt=%d ms=%.1f tokens/s=%.2f\n", pp_kind, r + 1, n_seq, n_prompt, pp_ms,
                   pp_rate[r]);
        } else {
            printf("%s rep=%d n_prompt=%d ms=%.1f tokens/s=%.2f\n", pp_kind, r + 1, n_prompt, pp_ms, pp_rate[r]);
        }

        /* generation: one token per sequence per step, all sequences in one batch, greedy */
        double start = now_ms();
        for (int g = 0; status == 0 && g < n_gen; g++) {
            batch.n_tokens = 0;
            for (llama_seq_id s = 0; s < n_seq; s++) {
                if (next[s] < 0) {
                    printf("fail arch=%s logits not finite\n", arch);
                    status = 1;
                    break;
                }
                batch_add(&batch, next[s], n_prompt + g, s, true);
            }
            if (status != 0) {
                break;
            }
            status = llama_decode(ctx, batch);
            for (llama_seq_id s = 0; status == 0 && s < n_seq; s++) {
                next[s] = argmax(ctx, s, n_vocab);
            }
        }
        double tg_ms = now_ms() - start;
        if (status != 0) {
            break;
        }
        tg_rate[r] = n_gen > 0 ? n_seq * n_gen / (tg_ms / 1e3) : 0;
        if (n_gen == 0) {
            /* nothing measured */
        } else if (n_seq > 1) {
            printf("%s rep=%d n_seq=%d n_gen=%d ms=%.1f tokens/s=%.2f per_seq_tokens/s=%.2f\n", tg_kind, r + 1, n_seq,
                   n_gen, tg_ms, tg_rate[r], tg_rate[r] / n_seq);
        } else {
            printf("%s rep=%d n_gen=%d ms=%.1f tokens/s=%.2f\n", tg_kind, r + 1, n_gen, tg_ms, tg_rate[r]);
        }
        fflush(stdout);
    }
    if (status == 0 && n_prompt > 0) {
        printf("%s median reps=%d n_seq=%d tokens/s=%.2f\n", pp_kind, reps, n_seq, median(pp_rate, reps));
    }
    if (status == 0 && n_gen > 0) {
        printf("%s median reps=%d n_seq=%d tokens/s=%.2f\n", tg_kind, reps, n_seq, median(tg_rate, reps));
    }
    if (status != 0 && status != 1) {
        printf("fail arch=%s decode returned %d\n", arch, status);
    }

done:
    free(prompt);
    free(next);
    llama_batch_free(batch);
    llama_free(ctx);
    llama_model_free(model);
    llama_backend_free();
    return status == 0 ? 0 : 1;
}
