package dev.streetnum.train.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Where a profiled phase's samples went, from async-profiler's collapsed stacks (root first, frames
 * separated by ';', then a space and the sample count): the share of each kind of leaf frame (oneDNN
 * kernels, BLAS, OpenMP, memory, JVM, Java), and the innermost DL4J method each sample ran under,
 * which names the layer and pass (forward, backward, updater) that cost the time.
 */
public final class ProfileSummary {

    /** Leaf kinds, tried in order on the leaf frame (lower case); the first that matches takes the sample. */
    private static final Map<String, Predicate<String>> KINDS = new LinkedHashMap<>();
    static final String WAITING = "threads yielding or waiting (sched_yield, futex, the scheduler)";
    static final String UNSYMBOLISED = "native kernels without symbols (oneDNN's JIT code: only [unknown] or the Java caller seen)";

    static {
        KINDS.put("oneDNN kernels", f -> has(f, "dnnl", "mkldnn", "jit_avx", "jit_uni", "jit_brgemm", "brgemm"));
        KINDS.put(UNSYMBOLISED, f -> f.equals("[unknown]") || f.startsWith("org/nd4j/linalg/cpu/nativecpu/bindings/nd4jcpu.exec"));
        KINDS.put("BLAS (OpenBLAS gemm)", f -> has(f, "sgemm", "openblas", "gemm_", "blas_"));
        KINDS.put("OpenMP runtime", f -> has(f, "gomp", "omp_", "kmp_"));
        // Before the substring kinds below: a Java method's name may contain "loop" or "compile".
        KINDS.put("Java (DL4J, ND4J bookkeeping)", ProfileSummary::isJava);
        KINDS.put("memory (malloc, free, memset, memcpy, page faults)",
                f -> has(f, "malloc", "free", "memset", "memcpy", "memmove", "mmap", "munmap", "page_fault", "clear_page"));
        KINDS.put("JVM (GC, JIT, runtime)", f -> has(f, "g1", "gc", "compile", "interpreter", "jvm", "safepoint", "oop"));
        KINDS.put("libnd4j ops (native, not oneDNN)", f -> has(f, "sd::", "nd4j::", "functions::", "simdops", "samediff"));
    }

    private static final String OTHER = "other native (kernel, libc, JNI glue)";
    private static final String DL4J = "org/deeplearning4j/";

    private final long total;
    private final Map<String, Long> byKind;
    private final Map<String, Long> byLeaf;
    private final Map<String, Long> byDl4jMethod;
    private final Map<String, Long> byWaiter;

    private ProfileSummary(long total, Map<String, Long> byKind, Map<String, Long> byLeaf, Map<String, Long> byDl4jMethod,
                           Map<String, Long> byWaiter) {
        this.total = total;
        this.byKind = byKind;
        this.byLeaf = byLeaf;
        this.byDl4jMethod = byDl4jMethod;
        this.byWaiter = byWaiter;
    }

    /** @param collapsed async-profiler's collapsed output; blank lines are skipped */
    public static ProfileSummary of(String collapsed) {
        long total = 0;
        Map<String, Long> byKind = new LinkedHashMap<>();
        Map<String, Long> byLeaf = new LinkedHashMap<>();
        Map<String, Long> byDl4j = new LinkedHashMap<>();
        Map<String, Long> byWaiter = new LinkedHashMap<>();
        int lineNumber = 0;
        for (String line : collapsed.split("\n")) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            long count;
            try {
                count = Long.parseLong(line.substring(space + 1).trim());
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("collapsed stack line " + lineNumber
                        + " does not end in a sample count: '" + line + "'");
            }
            String[] frames = line.substring(0, Math.max(0, space)).split(";");
            String leaf = strip(frames[frames.length - 1]);
            total += count;
            int wait = waitFrame(frames);
            if (wait >= 0) {
                byKind.merge(WAITING, count, Long::sum);
                byWaiter.merge(waiter(frames, wait), count, Long::sum);
            } else {
                byKind.merge(kind(leaf), count, Long::sum);
            }
            byLeaf.merge(leaf, count, Long::sum);
            byDl4j.merge(innermostDl4j(frames), count, Long::sum);
        }
        return new ProfileSummary(total, byKind, byLeaf, byDl4j, byWaiter);
    }

    public long samples() {
        return total;
    }

    /** Share of the samples whose leaf frame is of each kind, largest first. */
    public Map<String, Double> kinds() {
        return shares(byKind, Integer.MAX_VALUE);
    }

    /** The {@code n} leaf frames with the most samples (self time), as shares. */
    public Map<String, Double> hottestLeaves(int n) {
        return shares(byLeaf, n);
    }

    /** The {@code n} innermost DL4J methods with the most samples under them, as shares. */
    public Map<String, Double> hottestDl4jMethods(int n) {
        return shares(byDl4jMethod, n);
    }

    /** Of the waiting samples, the share (of all samples) each caller of sched_yield or futex accounts for. */
    public Map<String, Double> waiters() {
        return shares(byWaiter, Integer.MAX_VALUE);
    }

    /** A Markdown section: the kinds table, who waits, the DL4J methods and the hottest leaves. */
    public String markdown(String title, int rows) {
        StringBuilder out = new StringBuilder("### ").append(title).append(" (").append(total).append(" samples)\n\n");
        table(out, "leaf frame kind", kinds());
        if (!byWaiter.isEmpty()) {
            table(out, "who yields or waits (the frame that called sched_yield or futex)", waiters());
        }
        table(out, "innermost DL4J method", hottestDl4jMethods(rows));
        table(out, "hottest leaf frame (self time)", hottestLeaves(rows));
        return out.toString();
    }

    private static void table(StringBuilder out, String header, Map<String, Double> shares) {
        out.append("| ").append(header).append(" | share |\n|---|---|\n");
        shares.forEach((name, share) -> out.append("| `").append(name.replace("|", "\\|")).append("` | ")
                .append(String.format(Locale.ROOT, "%.1f%%", 100 * share)).append(" |\n"));
        out.append('\n');
    }

    private Map<String, Double> shares(Map<String, Long> counts, int n) {
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()));
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : sorted.subList(0, Math.min(n, sorted.size()))) {
            out.put(e.getKey(), total == 0 ? 0 : e.getValue() / (double) total);
        }
        return out;
    }

    static String kind(String leaf) {
        String lower = leaf.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, Predicate<String>> k : KINDS.entrySet()) {
            if (k.getValue().test(lower)) {
                return k.getKey();
            }
        }
        return OTHER;
    }

    /** "org/deeplearning4j/nn/layers/convolution/ConvolutionLayer.backpropGradient" -> "ConvolutionLayer.backpropGradient". */
    private static String innermostDl4j(String[] frames) {
        for (int i = frames.length - 1; i >= 0; i--) {
            String f = strip(frames[i]);
            if (f.startsWith(DL4J)) {
                return f.substring(f.lastIndexOf('/') + 1);
            }
        }
        return "(outside DL4J)";
    }

    /**
     * The first frame (from the root) of a thread that yields or sleeps in the kernel: sched_yield or
     * a futex wait, with the kernel frames under it. -1 when the sample ran code instead.
     */
    private static int waitFrame(String[] frames) {
        if (!frames[frames.length - 1].endsWith("_[k]") && !isWait(frames[frames.length - 1])) {
            return -1;
        }
        for (int i = 0; i < frames.length; i++) {
            if (isWait(frames[i])) {
                return i;
            }
        }
        return -1;
    }

    /** The user-space frame that asked to wait: the first above the wait that is no kernel or libc wait frame. */
    private static String waiter(String[] frames, int wait) {
        for (int i = wait - 1; i >= 0; i--) {
            if (!frames[i].endsWith("_[k]") && !isWait(frames[i])) {
                return library(strip(frames[i]));
            }
        }
        return "(thread root)";
    }

    private static boolean isWait(String frame) {
        String f = frame.toLowerCase(Locale.ROOT);
        return f.contains("sched_yield") || f.contains("futex");
    }

    /** A shared library's path (absolute, or under "~/") shortened to its file name; other frames as they are. */
    private static String library(String frame) {
        return frame.startsWith("/") || frame.startsWith("~/") ? frame.substring(frame.lastIndexOf('/') + 1) : frame;
    }

    /** async-profiler's annotations ("_[j]", "_[i]", "_[k]") are not part of the name. */
    private static String strip(String frame) {
        return frame.replaceAll("_\\[[a-z0-9]]$", "");
    }

    private static boolean isJava(String lowerFrame) {
        return lowerFrame.contains("/") && !lowerFrame.contains("::") && !lowerFrame.startsWith("[");
    }

    private static boolean has(String lowerFrame, String... parts) {
        for (String p : parts) {
            if (lowerFrame.contains(p)) {
                return true;
            }
        }
        return false;
    }
}
