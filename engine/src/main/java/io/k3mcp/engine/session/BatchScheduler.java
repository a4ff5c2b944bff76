package io.k3mcp.engine.session;

import io.k3mcp.engine.model.KvCache;
import io.k3mcp.engine.model.KvSnapshot;
import io.k3mcp.engine.model.SequenceStep;
import io.k3mcp.engine.model.Transformer;
import io.k3mcp.kernels.GgmlType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Continuous batching (docs/ENGINE.md "Serving several calls"): {@code parallel} sequence slots, each with
 * its own memory; every forward pass runs one step of every active call (a decode token, or a chunk of a
 * prompt) as one batch of sequences. No thread of its own: one calling thread at a time (the leader) runs the
 * steps for everyone until its own call ends, the lock released between steps so calls join and leave; a call
 * alone runs exactly as before, and a call that ends or is cancelled leaves at the next step and frees its slot,
 * leaving a copy of its memory in the {@link PrefixCache}. A call that fails (or a pass that fails it) clears its
 * slot's memory instead: rows or a recurrent state half written resume nothing. Whatever throws, the lock, the
 * slot and its permit are given back.
 */
final class BatchScheduler {
    private static final Logger log = LoggerFactory.getLogger(BatchScheduler.class);
    static final int MAX_PARALLEL = 64;
    /** Prompt tokens a call prefills per step while others decode: their next token waits for at most this much work. */
    static final int PREFILL_CHUNK = 64;

    private final Transformer transformer;
    /** Makes a slot's memory on its first use: direct buffers, whose allocation may fail. */
    private final Supplier<KvCache> newCache;
    private final Slot[] slots;
    private final PrefixCache prefixes;
    /** Whether decodes may carry drafts: a model with recurrent layers cannot drop the rows of rejected ones. */
    private final boolean speculates;
    private final Semaphore free;
    private final ReentrantLock stepLock = new ReentrantLock(true);
    /**
     * The call whose thread runs the steps for everyone until its own call ends; the others wait on
     * {@link #stepped} instead of taking the lock in turn, so steps do not hop between threads (each hop a
     * wake-up, and the pool's share 0 moving to another core).
     */
    private Generation leader;
    private final Condition stepped = stepLock.newCondition();
    private long clock;
    private volatile int peakSequences;
    /** Bytes of the caches made so far: read without the step lock, which a listener may hold for a long time. */
    private volatile long cacheBytes;

    /** A sequence slot: its memory (made on first use) and the call it serves, if any. */
    private static final class Slot {
        KvCache cache;
        Generation call;
        boolean busy;
        long lastUsed;
    }

    /**
     * @param availableBytes memory free for the slots' KV caches: {@code parallel} of them must fit
     * @param prefixCacheBytes what the copies of recent calls' memory may take (0: none kept)
     */
    BatchScheduler(Transformer transformer, int context, GgmlType kvType, int parallel, long availableBytes, long prefixCacheBytes) {
        this(transformer, parallel, availableBytes, prefixCacheBytes, () -> new KvCache(transformer.config(), context, kvType));
    }

    /** @param newCache makes each slot's memory, all of one shape (tests give one that fails) */
    BatchScheduler(Transformer transformer, int parallel, long availableBytes, long prefixCacheBytes, Supplier<KvCache> newCache) {
        checkParallel(parallel);
        this.transformer = transformer;
        this.newCache = newCache;
        this.slots = new Slot[parallel];
        for (int i = 0; i < parallel; i++) {
            slots[i] = new Slot();
        }
        slots[0].cache = newCache.get();
        cacheBytes = slots[0].cache.memoryBytes();
        requireFits(cacheBytes, slots[0].cache.capacity(), parallel, availableBytes);
        this.prefixes = new PrefixCache(prefixCacheBytes);
        this.speculates = transformer.config().deltaNet() == null;
        this.free = new Semaphore(parallel, true);
    }

    static void checkParallel(int parallel) {
        if (parallel < 1 || parallel > MAX_PARALLEL) {
            throw new IllegalArgumentException("parallel must be 1.." + MAX_PARALLEL + " sequence slots, got " + parallel);
        }
    }

    /**
     * Refuses {@code parallel} sequence memories (KV rows, and a hybrid's recurrent state) of {@code perSlot} bytes each
     * that do not fit {@code availableBytes}, with the numbers.
     */
    static void requireFits(long perSlot, int context, int parallel, long availableBytes) {
        if ((double) perSlot * parallel > availableBytes) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "%d sequence slots (parallel) at a %d-token context need %d x %.1f MiB = %.1f MiB of KV cache and recurrent state, "
                            + "but only %.1f MiB of memory is available: lower parallel or the context size",
                    parallel, context, parallel, mib(perSlot), mib(perSlot * (double) parallel), mib(availableBytes)));
        }
    }

    private static double mib(double bytes) {
        return bytes / (1 << 20);
    }

    int parallel() {
        return slots.length;
    }

    /** Positions a slot's memory holds: the context, or more when every layer slides (a ring). */
    int positionLimit() {
        return slots[0].cache.positionLimit();
    }

    /** Bytes of the slots' memories made so far (a slot's is made on its first use). */
    long bytes() {
        return cacheBytes;
    }

    /** The most sequences one forward pass has run so far. */
    int peakSequences() {
        return peakSequences;
    }

    /** Runs one call to its end in a slot, sharing forward passes with the calls in the other slots. */
    GenerationResult generate(GenerationRequest r, TokenText text) {
        Generation call = new Generation(r, text);
        free.acquireUninterruptibly();
        try {
            if (!call.cancelledNow()) {   // one cancelled while it waited for a slot leaves every slot's memory alone
                runInSlot(call);
            }
        } finally {
            free.release();
        }
        return call.result();
    }

    /** Claims a slot, resumes the call's prompt there and runs the steps until the call ends; frees the slot however it ends. */
    private void runInSlot(Generation call) {
        int[] prompt = call.request().prompt();
        Slot slot;
        stepLock.lock();
        try {
            slot = claim(prompt);   // marks the slot busy only once its memory exists
        } finally {
            stepLock.unlock();
        }
        try {
            stepLock.lock();
            try {
                call.reuse(resume(slot.cache, prompt));
                slot.call = call;
            } finally {
                stepLock.unlock();
            }
            stepUntilDone(call);
        } catch (RuntimeException | Error e) {
            call.fail(e);   // the slot's memory may be half restored or half written: release() clears it
            throw e;
        } finally {
            release(slot, !call.failed());
        }
    }

    private void stepUntilDone(Generation call) {
        while (true) {
            stepLock.lock();
            try {
                if (call.done()) {
                    return;   // release() hands the steps over if this thread ran them
                }
                if (leader == null) {
                    leader = call;
                }
                if (leader == call) {
                    step();
                    wakeFinished();
                } else {
                    stepped.awaitUninterruptibly();
                }
            } finally {
                stepLock.unlock();   // between steps: calls join or leave here
            }
        }
    }

    /** Runs {@code work} alone on a cleared slot's memory (scoring), between steps of the running calls. */
    <T> T exclusive(Function<KvCache, T> work) {
        free.acquireUninterruptibly();
        try {
            stepLock.lock();
            try {
                Slot slot = claim(new int[0]);
                boolean completed = false;
                try {
                    slot.cache.clear();
                    T result = work.apply(slot.cache);
                    completed = true;
                    return result;
                } finally {
                    release(slot, completed);   // a pass that failed may have written part of a layer: not kept
                }
            } finally {
                stepLock.unlock();
            }
        } finally {
            free.release();
        }
    }

    /** Wakes the waiting threads when a step has ended a call other than the leader's. */
    private void wakeFinished() {
        for (Slot s : slots) {
            if (s.call != null && s.call != leader && s.call.done()) {
                stepped.signalAll();
                return;
            }
        }
    }

    /**
     * Frees a slot. Its memory is kept (checkpointed, a copy in the prefix cache) only when {@code intact}: else its
     * rows or recurrent state may hold part of a pass whose tokens were never committed, so it is cleared.
     */
    private void release(Slot slot, boolean intact) {
        stepLock.lock();
        try {
            if (!intact) {
                slot.cache.clear();
            } else {
                slot.cache.checkpoint();   // a recurrent state resumes only from a copy: the end of this call
                if (slot.call != null && prefixes.enabled()) {
                    prefixes.put(KvSnapshot.of(transformer.config(), slot.cache));
                }
            }
        } finally {
            if (leader != null && leader == slot.call) {
                leader = null;   // a waiting call's thread takes over the steps (also when this one ends by an exception)
                stepped.signalAll();
            }
            slot.call = null;
            slot.busy = false;
            stepLock.unlock();
        }
    }

    /**
     * Keeps the longest prefix of the prompt that the slot's memory or the prefix cache resumes exactly, and
     * returns its length. At least one prompt token always runs: its logits give the first output token.
     */
    private int resume(KvCache cache, int[] prompt) {
        int[] head = Arrays.copyOf(prompt, prompt.length - 1);
        int own = cache.reusablePrefix(head);
        KvSnapshot copy = prefixes.longest(head);
        int cached = copy == null ? 0 : copy.reusablePrefix(head);
        if (cached > own) {
            copy.restoreInto(cache, cached);
            return cached;
        }
        cache.truncate(own);
        return own;
    }

    /** A free slot: the one whose memory resumes the longest prefix of the prompt, else the least recently used. */
    private Slot claim(int[] prompt) {
        int[] head = Arrays.copyOf(prompt, Math.max(0, prompt.length - 1));
        Slot best = null;
        int bestPrefix = -1;
        for (Slot s : slots) {
            if (s.busy) {
                continue;
            }
            int prefix = s.cache == null ? 0 : s.cache.reusablePrefix(head);
            if (prefix > bestPrefix || (prefix == bestPrefix && s.lastUsed < best.lastUsed)) {
                best = s;
                bestPrefix = prefix;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no free sequence slot although the slot semaphore admitted the call");
        }
        if (best.cache == null) {
            best.cache = newCache.get();
            cacheBytes += best.cache.memoryBytes();   // under the step lock: one writer at a time
        }
        best.busy = true;
        best.lastUsed = ++clock;
        return best;
    }

    /**
     * One forward pass over every active call: decodes one token each plus their prompt-lookup drafts, prefills
     * take what is left of the batch.
     */
    private void step() {
        List<Slot> members = new ArrayList<>();
        List<SequenceStep> batch = new ArrayList<>();
        List<int[]> drafts = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        List<Boolean> lastChunk = new ArrayList<>();
        int decoding = 0;
        for (Slot s : slots) {
            if (s.call != null && !s.call.done() && !s.call.prefilling()) {
                decoding++;
            }
        }
        int room = transformer.maxBatch() - decoding;
        int chunk = decoding > 0 ? PREFILL_CHUNK : transformer.maxBatch();
        for (Slot s : slots) {
            Generation call = s.call;
            if (call == null || call.done() || call.cancelledNow()) {
                continue;
            }
            int[] draft = null;
            if (call.prefilling()) {
                if (room <= 0) {
                    continue;
                }
                int[] tokens = call.nextPromptChunk(Math.min(room, chunk));
                room -= tokens.length;
                batch.add(new SequenceStep(s.cache, tokens, false));
                lastChunk.add(!call.prefilling());
            } else {
                // a recurrent state cannot be cut back to drop rejected drafts: hybrids decode without them
                draft = speculates ? call.draft(room) : new int[0];
                room -= draft.length;
                int[] tokens = new int[1 + draft.length];
                tokens[0] = call.lastToken();
                System.arraycopy(draft, 0, tokens, 1, draft.length);
                batch.add(new SequenceStep(s.cache, tokens, draft.length > 0));
                lastChunk.add(false);
            }
            drafts.add(draft);
            lengths.add(s.cache.length());
            members.add(s);
        }
        if (batch.isEmpty()) {
            return;
        }
        peakSequences = Math.max(peakSequences, batch.size());
        float[][] logits;
        try {
            logits = transformer.forwardReused(batch);   // each sequence takes what it needs from its row now
        } catch (RuntimeException | Error e) {
            // e.g. a direct buffer a growing cache could not get: every member's rows or recurrent state may be
            // half written (a prefill's chunk counted but not committed), so every member fails and starts over
            log.warn("forward pass failed sequences={} error={}", batch.size(), e.toString());
            for (Slot s : members) {
                s.call.fail(e);
                s.cache.clear();
            }
            if (e instanceof Error) {
                throw e;
            }
            return;
        }
        for (int i = 0; i < members.size(); i++) {
            Slot s = members.get(i);
            try {
                if (drafts.get(i) == null) {
                    s.call.reportPrefill();   // this step ran a chunk of its prompt
                }
                if (s.call.prefilling()) {
                    continue;   // more of its prompt to come
                }
                if (lastChunk.get(i)) {
                    s.cache.checkpoint();   // ...and the end of its prompt
                }
                int[] draft = drafts.get(i);
                if (draft != null && draft.length > 0) {
                    int kept = s.call.verify(logits[i], draft, transformer.config().nVocab());
                    s.cache.truncate(lengths.get(i) + kept);   // rows of rejected drafts are overwritten later
                } else {
                    s.call.accept(logits[i]);
                }
            } catch (RuntimeException | Error e) {
                s.call.fail(e);   // a listener or constraint of this call: the others still take their rows
            }
        }
    }
}
