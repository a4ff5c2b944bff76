package io.k3mcp.engine.model;

import io.k3mcp.kernels.GgmlType;
import io.k3mcp.kernels.Kernels;
import io.k3mcp.kernels.PackedWeights;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;

/**
 * Wraps {@link Kernels} so every call is timed (for {@link DecodeStepProfile}, never in tests): wall time and
 * calls per method, matmuls also per weight type, shape and token count. A few hundred nanoseconds per call
 * of its own (reflection), a few hundred calls per decode step.
 */
final class KernelTimer implements InvocationHandler {
    /** Calls and nanoseconds under one key. */
    static final class Tally {
        long calls;
        long nanos;
        private long[] each = new long[64];

        void add(long ns) {
            if (calls == each.length) {
                each = java.util.Arrays.copyOf(each, each.length * 2);
            }
            each[(int) calls++] = ns;
            nanos += ns;
        }

        /** The median call's nanoseconds: a mean that one preempted call inflates is told apart from a slow kernel. */
        long medianNanos() {
            long[] sorted = java.util.Arrays.copyOf(each, (int) calls);
            java.util.Arrays.sort(sorted);
            return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
        }
    }

    private final Kernels target;
    private final Map<String, Tally> tallies = new TreeMap<>();
    private boolean on;

    private KernelTimer(Kernels target) {
        this.target = target;
    }

    static KernelTimer around(Kernels target) {
        return new KernelTimer(target);
    }

    Kernels kernels() {
        return (Kernels) Proxy.newProxyInstance(Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class}, this);
    }

    /** Starts counting from zero. */
    void start() {
        tallies.clear();
        on = true;
    }

    Map<String, Tally> stop() {
        on = false;
        return new TreeMap<>(tallies);
    }

    @Override
    public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
        long t0 = System.nanoTime();
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            if (on) {
                Tally t = tallies.computeIfAbsent(key(m, args), k -> new Tally());
                t.add(System.nanoTime() - t0);
            }
        }
    }

    private static String key(Method m, Object[] args) {
        return switch (m.getName()) {
            case "matmul" -> matmulKey("matmul", (GgmlType) args[0], (int) args[2], (int) args[3], (int) args[6]);
            case "matmulPacked" -> {
                PackedWeights w = (PackedWeights) args[0];
                yield matmulKey("matmulPacked", w.type(), w.rows(), w.cols(), (int) args[3]);
            }
            default -> m.getName();
        };
    }

    private static String matmulKey(String name, GgmlType type, int rows, int cols, int tokens) {
        return String.format("%s %s %dx%d n=%d", name, type, rows, cols, tokens);
    }
}
