// Tokenizes each NUL-terminated text on stdin with llama.cpp's vocabulary code (vocab-only load) and
// prints one JSON object a line: the ids (add_special and parse_special on, as a prompt is tokenized)
// and the text llama_detokenize gives back for them: without the special tokens (decoded) and with them
// (rendered).
// Usage: tokenize MODEL.gguf < texts
#include "llama.h"

#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

static void json_string(const std::string & s) {
    std::putchar('"');
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            std::printf("\\%c", c);
        } else if (c < 0x20) {
            std::printf("\\u%04x", c);
        } else {
            std::putchar(c);
        }
    }
    std::putchar('"');
}

int main(int argc, char ** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s MODEL.gguf < NUL-separated texts\n", argv[0]);
        return 2;
    }
    llama_backend_init();
    llama_model_params params = llama_model_default_params();
    params.vocab_only = true;
    llama_model * model = llama_model_load_from_file(argv[1], params);
    if (model == nullptr) {
        std::fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    const llama_vocab * vocab = llama_model_get_vocab(model);
    std::string input((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    size_t start = 0;
    while (start < input.size()) {
        size_t end = input.find('\0', start);
        if (end == std::string::npos) {
            end = input.size();
        }
        std::string text = input.substr(start, end - start);
        start = end + 1;
        std::vector<llama_token> ids(text.size() + 8);
        int n = llama_tokenize(vocab, text.data(), (int) text.size(), ids.data(), (int) ids.size(), true, true);
        if (n < 0) {
            std::fprintf(stderr, "tokenize failed\n");
            return 1;
        }
        ids.resize(n);
        std::string decoded[2];
        for (int unparse = 0; unparse < 2; unparse++) {
            std::vector<char> buf(text.size() * 4 + 64);
            int len = llama_detokenize(vocab, ids.data(), n, buf.data(), (int) buf.size(), false, unparse == 1);
            if (len < 0) {
                std::fprintf(stderr, "detokenize failed\n");
                return 1;
            }
            decoded[unparse] = std::string(buf.data(), len);
        }
        std::printf("{\"text\":");
        json_string(text);
        std::printf(",\"ids\":[");
        for (int i = 0; i < n; i++) {
            std::printf(i ? ",%d" : "%d", ids[i]);
        }
        std::printf("],\"decoded\":");
        json_string(decoded[0]);
        std::printf(",\"rendered\":");
        json_string(decoded[1]);
        std::printf("}\n");
    }
    llama_model_free(model);
    return 0;
}
