// Greedy generation with llama.cpp and a chosen KV cache type: the reference for k3mcp's quantised KV
// goldens (scripts/kv-golden/make-kv-goldens.sh builds and runs it; the tests never need llama.cpp).
// Usage: kv_greedy MODEL TYPE(q8_0|q4_0|f16) N_PREDICT THREADS ID,ID,...
// Prints one JSON object: generated ids and, per step, the gap between the two highest logits.
#include "llama.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

static ggml_type kv_type(const char *name) {
    if (strcmp(name, "q8_0") == 0) return GGML_TYPE_Q8_0;
    if (strcmp(name, "q4_0") == 0) return GGML_TYPE_Q4_0;
    if (strcmp(name, "f16") == 0) return GGML_TYPE_F16;
    fprintf(stderr, "unknown KV type %s\n", name);
    exit(2);
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s MODEL TYPE N_PREDICT THREADS IDS\n", argv[0]);
        return 2;
    }
    const ggml_type type = kv_type(argv[2]);
    const int n_predict = atoi(argv[3]);
    const int threads = atoi(argv[4]);
    std::vector<llama_token> prompt;
    std::stringstream ids(argv[5]);
    for (std::string id; std::getline(ids, id, ',');) prompt.push_back(std::stoi(id));

    llama_backend_init();
    llama_model_params mp = llama_model_default_params();
    mp.use_extra_bufts = false; // no weight repacking, as the shared goldens (llref --no-repack)
    llama_model *model = llama_model_load_from_file(argv[1], mp);
    if (!model) return 1;
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = prompt.size() + n_predict + 8;
    cp.n_batch = cp.n_ctx;
    cp.n_ubatch = 512;
    cp.n_threads = threads;
    cp.n_threads_batch = threads;
    cp.type_k = type;
    cp.type_v = type;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_ENABLED; // required for a quantised V cache
    cp.no_perf = true;
    llama_context *ctx = llama_init_from_model(model, cp);
    if (!ctx) return 1;
    const int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));

    std::vector<llama_token> out;
    std::vector<float> gaps;
    llama_batch batch = llama_batch_get_one(prompt.data(), (int32_t) prompt.size());
    for (int step = 0; step < n_predict; step++) {
        if (llama_decode(ctx, batch) != 0) return 1;
        const float *logits = llama_get_logits_ith(ctx, -1);
        int best = 0, second = -1;
        for (int i = 1; i < n_vocab; i++) {
            if (logits[i] > logits[best]) { second = best; best = i; }
            else if (second < 0 || logits[i] > logits[second]) second = i;
        }
        out.push_back(best);
        gaps.push_back(logits[best] - logits[second]);
        batch = llama_batch_get_one(&out.back(), 1);
    }
    printf("{\"generated_ids\": [");
    for (size_t i = 0; i < out.size(); i++) printf("%s%d", i ? ", " : "", out[i]);
    printf("], \"gap_top1_top2\": [");
    for (size_t i = 0; i < gaps.size(); i++) printf("%s%.6g", i ? ", " : "", gaps[i]);
    printf("]}\n");
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
