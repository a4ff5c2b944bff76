# k3mcp: one target for everything. `make help` lists them.
SHELL := /bin/bash
MVN   ?= ./mvnw -B -q
JAR   := mcp-server/target/k3mcp.jar
NATIVE_DIR := kernels-native/src/main/c
CROSS_OUT  := $(CURDIR)/kernels-native/target/native-cross

.PHONY: help build test test-tools test-java test-scripts contract-test lint bench bench-compare bench-depth bench-depth-ratio bench-attention bench-kernels asm-spills cross qemu-test demo eval clean

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

build: ## compile everything (C kernels for the host included) and package the runnable jar
	$(MVN) -DskipTests install
	@test -f $(JAR) && echo "built $(JAR)"

test: test-tools lint test-scripts test-java qemu-test eval contract-test ## every test (installs the cross compilers, qemu-user and Node.js first when missing): lint, script tests, Java tests, C kernels under qemu, CLI contract tests, the eval suite

test-tools: ## install what the tests need when it is missing (apt-get, through sudo when not root)
	scripts/test-tools.sh

test-java: ## the Maven test suite (surefire's summaries stay visible)
	./mvnw -B install

test-scripts: ## tests of the project's own scripts (lint catches planted faults; the tool set-up on faked machines)
	scripts/test-lint.sh
	scripts/test-test-tools.sh
	scripts/test-asm-spills.sh

contract-test: ## black-box tests of ./k3mcp against ../shared/docs/CONTRACT.md and the goldens
	scripts/contract-test.sh

lint: ## fail on empty catch blocks and System.out outside the CLI
	scripts/lint.sh

bench: build ## benchmark a synthetic TinyLlama-shaped model (see docs/BENCHMARKS.md)
	./k3mcp bench --synthetic tinyllama-1.1b:q4_0 -t 2 -p 128 -n 64 -r 3

bench-compare: build ## k3mcp and llama.cpp side by side on the synthetic TinyLlama files (LLAMA_BENCH=path/to/llama-bench)
	scripts/bench-vs-llamacpp.sh 2

bench-depth: build ## issue 18's long-context targets: pp512/tg64 at depth 4096 and 16384, -fa off/on, and q8_0 vs f16 KV, side by side with llama-bench -d (LLAMA_BENCH=path/to/llama-bench)
	scripts/bench-depth.sh 1

bench-depth-ratio: build ## issue 15's target on MODEL=file.gguf: tg at depth 16384 against depth 0, repetitions interleaved (ROUNDS=3)
	scripts/bench-depth-ratio.sh $(or $(ROUNDS),3)

bench-attention: ## attention kernel timings (decode and 512-token prefill at depth, F16 cache); BASE=commit alternates with that commit's kernels
	scripts/bench-attention.sh $(BASE)

bench-kernels: build ## kernel microbenchmarks: matmul GB/s per type at TinyLlama shapes and the read-bandwidth probe
	java -cp mcp-server/target/k3mcp.jar io.k3mcp.kernels.bench.KernelBench --seconds 1

asm-spills: ## stack loads/stores per x86 kernel function (MIN=20): finds micro-kernels that spill their accumulators
	scripts/asm-spills.sh

cross: ## cross-compile the kernels for riscv64 (clang-19, RVV) and aarch64 and add them to the jar
	$(MAKE) -C $(NATIVE_DIR) CROSS=$(CROSS_OUT) cross
	$(MVN) -DskipTests install

qemu-test: ## run the C kernel tests under qemu-user: aarch64, riscv64 at VLEN 128/256/1024
	$(MAKE) -C $(NATIVE_DIR) qemu-test BUILD=$(CURDIR)/kernels-native/target/native

demo: build ## end-to-end demonstration through the real MCP server over stdio (MODEL=file.gguf adds a generation)
	./k3mcp demo $(if $(MODEL),--model $(MODEL))

SHARED ?= $(CURDIR)/../shared
eval: ## the built-in evaluation suite on the tiny models in ../shared/models (report in target/eval-report.md)
	@mkdir -p target
	./k3mcp eval evals/scenarios --var model=$(SHARED)/models/llama-mini-q8_0.gguf \
	  --report-md target/eval-report.md --report-json target/eval-report.json

clean: ## remove build outputs
	$(MVN) clean
