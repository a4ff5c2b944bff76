package io.k3mcp.tools.generate;

/** JSON Schemas of {@code generate}'s arguments and result. */
final class GenerateSchemas {
    private GenerateSchemas() {
    }

    static final String INPUT = """
            {"type":"object","additionalProperties":false,
             "properties":{
              "model":{"type":"string","description":"model name (see models://available) or path of a GGUF model file; default: the server's --model"},
              "prompt":{"type":"string","description":"raw text to continue (give this or messages)"},
              "messages":{"type":"array","minItems":1,"description":"chat messages (give this or prompt), rendered with the model's chat template",
                "items":{"type":"object","required":["role"],
                  "properties":{"role":{"type":"string","enum":["system","user","assistant","tool","ipython"]},
                    "content":{"type":["string","array","object","null"]},
                    "tool_calls":{"type":"array","items":{"type":"object"},
                      "description":"an assistant's calls: [{\\"type\\": \\"function\\", \\"function\\": {\\"name\\", \\"arguments\\"}}]"},
                    "tool_call_id":{"type":"string"},"reasoning_content":{"type":"string"}}}},
              "tools":{"type":"array","items":{"type":"object"},
                "description":"function definitions offered to the model (with messages): {\\"type\\": \\"function\\", \\"function\\": {name, description, parameters}}"},
              "json_schema":{"type":"object","description":"the output must be JSON valid against this schema (enforced while decoding)"},
              "format":{"type":"string","enum":["json"],"description":"json: the output must be JSON (any)"},
              "max_tokens":{"type":"integer","minimum":1,"maximum":32768,"default":256},
              "temperature":{"type":"number","minimum":0,"maximum":100,"default":0.8,"description":"0 = greedy"},
              "top_k":{"type":"integer","minimum":0,"default":40,"description":"0 = off"},
              "top_p":{"type":"number","exclusiveMinimum":0,"maximum":1,"default":0.95},
              "min_p":{"type":"number","minimum":0,"maximum":1,"default":0.05},
              "repeat_penalty":{"type":"number","exclusiveMinimum":0,"maximum":10,"default":1.0,
                "description":"applied over the last 64 tokens; 1 = off"},
              "seed":{"type":"integer","minimum":0,"description":"same seed, same output; default: random"},
              "stop":{"type":"array","maxItems":16,"items":{"type":"string","minLength":1},
                "description":"generation ends at the first of these; it is not returned"},
              "no_bos":{"type":"boolean","default":false,"description":"do not add the BOS token"},
              "top_logits":{"type":"integer","minimum":0,"maximum":100,"default":0,
                "description":"report the K highest raw logits for every generated token"},
              "speculation":{"description":"prompt-lookup speculative decoding: drafts from earlier text verified in one pass; same output. Default: on (ngram 3, max_draft 15) when greedy, off when sampling",
                "oneOf":[{"type":"string","enum":["off"]},
                  {"type":"object","additionalProperties":false,"properties":{
                    "ngram":{"type":"integer","minimum":1,"maximum":8,"default":3},
                    "max_draft":{"type":"integer","minimum":1,"maximum":32,"default":15}}}]}}}""";

    static final String OUTPUT = """
            {"type":"object",
             "required":["text","tokens","prompt_tokens","completion_tokens","finish_reason","timings"],
             "properties":{
              "text":{"type":"string"},
              "tokens":{"type":"array","items":{"type":"integer"}},
              "prompt_tokens":{"type":"integer"},
              "completion_tokens":{"type":"integer"},
              "finish_reason":{"type":"string","enum":["stop","length","eos","cancelled"]},
              "timings":{"type":"object","required":["prefill_ms","decode_ms","prefill_tps","decode_tps"],
                "properties":{"prefill_ms":{"type":"number"},"decode_ms":{"type":"number"},
                  "prefill_tps":{"type":"number"},"decode_tps":{"type":"number"},
                  "prompt_reused":{"type":"integer","description":"prompt tokens resumed from cached memory, not prefilled again"},
                  "speculation_accepted":{"type":"number","description":"fraction of draft tokens accepted; absent when none was drafted"}}},
              "context_length":{"type":"integer","description":"tokens the session's context holds (prompt + generated)"},
              "top_logits":{"type":"array","items":{"type":"array","items":{"type":"object",
                "required":["id","logit"],"properties":{"id":{"type":"integer"},"logit":{"type":"number"}}}}},
              "content":{"type":"string","description":"the text outside reasoning and tool calls"},
              "reasoning":{"type":"string","description":"the text of the reply's <think> block"},
              "tool_calls":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},
                "arguments":{"type":"object"},"parse_error":{"type":"string"},"raw":{"type":"string"}}}},
              "template_source":{"type":"string","description":"gguf, or builtin:NAME when the file has no chat template"}}}""";
}
