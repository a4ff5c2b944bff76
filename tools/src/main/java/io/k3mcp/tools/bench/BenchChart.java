package io.k3mcp.tools.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A plain SVG bar chart of tokens/s: one group per test (pp128, tg64, or the turn's prefill, decode
 * and overall), one bar per thread count, whiskers at +- one standard deviation. No scripts, no
 * external resources: any browser or rsvg renders it.
 */
public final class BenchChart {
    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"};
    private static final int WIDTH = 760;
    private static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 150;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    /** One bar: test, thread count, mean and stddev of tokens/s. */
    record Bar(String test, int threads, double ts, double sd) {
    }

    private BenchChart() {
    }

    public static String svg(BenchResult r) {
        List<Bar> bars = new ArrayList<>();
        for (BenchRow row : r.rows()) {
            bars.add(new Bar(row.test(), row.nThreads(), row.avgTs(), row.stddevTs()));
        }
        for (TurnResult t : r.turns()) {
            bars.add(new Bar("turn prefill", t.nThreads(), t.prefillTs(), 0));
            bars.add(new Bar("turn decode", t.nThreads(), t.decodeTs(), 0));
            bars.add(new Bar("turn overall", t.nThreads(), t.overallTs(), 0));
        }
        return render("tokens/s by test and thread count: " + r.model(), bars);
    }

    static String render(String title, List<Bar> bars) {
        Map<String, List<Bar>> groups = new LinkedHashMap<>();
        TreeSet<Integer> threads = new TreeSet<>();
        double max = 0;
        for (Bar b : bars) {
            groups.computeIfAbsent(b.test(), k -> new ArrayList<>()).add(b);
            threads.add(b.threads());
            max = Math.max(max, b.ts() + b.sd());
        }
        double top = niceCeiling(max);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder s = new StringBuilder();
        s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>%n", LEFT, escape(title)));
        for (int i = 0; i <= 5; i++) {
            double v = top * i / 5;
            double y = TOP + plotH - plotH * i / 5.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT, y, LEFT + plotW, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, y + 4, number(v)));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">tokens/s</text>%n",
                TOP + plotH / 2, TOP + plotH / 2));
        int nGroups = Math.max(1, groups.size());
        double groupW = plotW / (double) nGroups;
        double barW = groupW * 0.8 / Math.max(1, threads.size());
        List<Integer> threadList = new ArrayList<>(threads);
        int g = 0;
        for (Map.Entry<String, List<Bar>> e : groups.entrySet()) {
            double gx = LEFT + g * groupW + groupW * 0.1;
            for (Bar b : e.getValue()) {
                int k = threadList.indexOf(b.threads());
                double x = gx + k * barW;
                double h = top == 0 ? 0 : plotH * b.ts() / top;
                double y = TOP + plotH - h;
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s, %d threads: %.2f ± %.2f t/s</title></rect>%n",
                        x, y, barW * 0.9, h, COLORS[k % COLORS.length], escape(b.test()), b.threads(), b.ts(), b.sd()));
                double labelY = y - 4;
                if (b.sd() > 0) {
                    double cx = x + barW * 0.45;
                    double y1 = TOP + plotH - plotH * (b.ts() + b.sd()) / top;
                    labelY = y1 - 4;
                    double y2 = TOP + plotH - plotH * Math.max(0, b.ts() - b.sd()) / top;
                    s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>%n", cx, y1, cx, y2));
                }
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">%s</text>%n",
                        x + barW * 0.45, labelY, number(b.ts())));
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    LEFT + g * groupW + groupW / 2, TOP + plotH + 20, escape(e.getKey())));
            g++;
        }
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", LEFT, TOP + plotH, LEFT + plotW, TOP + plotH));
        for (int k = 0; k < threadList.size(); k++) {
            int y = TOP + 10 + k * 20;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>%n", WIDTH - RIGHT + 20, y, COLORS[k % COLORS.length]));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%d thread%s</text>%n", WIDTH - RIGHT + 40, y + 12, threadList.get(k),
                    threadList.get(k) == 1 ? "" : "s"));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String number(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
