// Router margins of a mixture-of-experts model as llama.cpp v0.5.0 computes them: runs the ids as one
// batch (flash attention off, no weight repacking, 2 threads: the new-archs goldens' settings) and prints,
// for every position and layer whose k-th and (k+1)-th router logits lie closer than MAX_MARGIN, one line
// "position layer margin". scripts/router-ties/make-router-ties.sh builds and runs it.
// Usage: router_margins MODEL MAX_MARGIN ID,ID,...
#include "llama.h"
#include "ggml.h"
#include "ggml-backend.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

static int n_used;
static float max_margin;

static bool on_tensor(struct ggml_tensor *t, bool ask, void *) {
    const bool wanted = strncmp(t->name, "ffn_moe_logits-", 15) == 0 && t->type == GGML_TYPE_F32;
    if (ask || !wanted) return true;
    const int layer = atoi(t->name + 15);
    const int64_t n_expert = t->ne[0], n_tokens = t->ne[1];
    std::vector<float> logits(n_expert * n_tokens);
    ggml_backend_tensor_get(t, logits.data(), 0, logits.size() * sizeof(float));
    for (int64_t pos = 0; pos < n_tokens; pos++) {
        std::vector<float> row(logits.begin() + pos * n_expert, logits.begin() + (pos + 1) * n_expert);
        std::sort(row.begin(), row.end(), std::greater<float>());
        const float margin = row[n_used - 1] - row[n_used];
        if (margin < max_margin) printf("%lld %d %.6g\n", (long long) pos, layer, margin);
    }
    return true;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s MODEL MAX_MARGIN IDS\n", argv[0]);
        return 2;
    }
    max_margin = strtof(argv[2], nullptr);
    std::vector<llama_token> ids;
    std::stringstream list(argv[3]);
    for (std::string id; std::getline(list, id, ',');) ids.push_back(std::stoi(id));

    llama_backend_init();
    llama_model_params mp = llama_model_default_params();
    mp.use_extra_bufts = false;
    llama_model *model = llama_model_load_from_file(argv[1], mp);
    if (!model) return 1;
    char arch[64], key[96], used[32];
    if (llama_model_meta_val_str(model, "general.architecture", arch, sizeof(arch)) < 0) {
        fprintf(stderr, "%s: no general.architecture\n", argv[1]);
        return 1;
    }
    snprintf(key, sizeof(key), "%s.expert_used_count", arch);
    if (llama_model_meta_val_str(model, key, used, sizeof(used)) < 0) {
        fprintf(stderr, "%s: no %s\n", argv[1], key);
        return 1;
    }
    n_used = atoi(used);
    llama_context_params cp = llama_context_default_params();
    cp.n_ctx = ids.size() + 8;
    cp.n_batch = cp.n_ctx;
    cp.n_ubatch = cp.n_ctx;
    cp.n_threads = 2;
    cp.n_threads_batch = 2;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    cp.cb_eval = on_tensor;
    cp.no_perf = true;
    llama_context *ctx = llama_init_from_model(model, cp);
    if (!ctx) return 1;
    llama_batch batch = llama_batch_get_one(ids.data(), (int32_t) ids.size());
    if (llama_decode(ctx, batch) != 0) return 1;
    llama_free(ctx);
    llama_model_free(model);
    return 0;
}
