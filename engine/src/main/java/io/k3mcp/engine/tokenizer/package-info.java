/**
 * Tokenizers read from GGUF metadata, reproducing llama.cpp's llama_vocab token for token.
 *
 * <p>{@link io.k3mcp.engine.tokenizer.Tokenizers#fromGguf} picks the model by
 * {@code tokenizer.ggml.model}: {@code llama} is SentencePiece BPE ({@link io.k3mcp.engine.tokenizer.SpmEncoder}),
 * {@code gpt2} is byte-level BPE ({@link io.k3mcp.engine.tokenizer.BpeEncoder}) with the pre-tokenizer
 * named by {@code tokenizer.ggml.pre} ({@link io.k3mcp.engine.tokenizer.BpePreset}). Both share
 * {@link io.k3mcp.engine.tokenizer.VocabTokenizer}: special tokens split out of the text first,
 * BOS/EOS by the vocab's flags, pieces and detokenizing from one table. A new model plugs in as a
 * {@link io.k3mcp.engine.tokenizer.FragmentEncoder} plus a piece table and one line in the factory.
 *
 * <p>Tokenizers are immutable and safe to share between threads; a
 * {@link io.k3mcp.engine.tokenizer.StreamingDetokenizer} is per generation.
 */
package io.k3mcp.engine.tokenizer;
