package dev.streetnum.train.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The profile breakdown against shares counted by hand from a small collapsed profile. */
class ProfileSummaryTest {

    private static final String CONV_BACKWARD = "java/lang/Thread.run_[j];"
            + "org/deeplearning4j/nn/graph/ComputationGraph.fit_[j];"
            + "org/deeplearning4j/nn/layers/convolution/ConvolutionLayer.backpropGradient_[j];"
            + "Java_org_nd4j_nativeblas_Nd4jCpu_execCustomOp2;dnnl::impl::cpu::x64::jit_avx512_core_conv_bwd_weights";
    private static final String UPDATER = "java/lang/Thread.run_[j];"
            + "org/deeplearning4j/nn/graph/ComputationGraph.fit_[j];"
            + "org/deeplearning4j/nn/updater/BaseMultiLayerUpdater.update_[j];"
            + "org/nd4j/linalg/learning/AdamUpdater.applyUpdater_[j]";
    private static final String GEMM = "java/lang/Thread.run_[j];"
            + "org/deeplearning4j/nn/layers/BaseLayer.preOutput_[j];libopenblas.so;sgemm_kernel_SKYLAKEX";
    private static final String MEMSET = "java/lang/Thread.run_[j];"
            + "org/deeplearning4j/nn/layers/BaseLayer.preOutput_[j];__memset_avx512_unaligned_erms";
    private static final String LOOP = "java/lang/Thread.run_[j];dev/streetnum/train/TrainingLoop.run_[j]";
    private static final String GC = "G1ParScanThreadState::trim_queue";
    private static final String BLAS_YIELD = "clone3;start_thread;/cache/openblas/libopenblas_nolapack.so.0;"
            + "__GI___sched_yield;entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];__schedule_[k]";
    /** Sampled inside the kernel's sched_yield: the caller is still the user-space frame above the kernel frames. */
    private static final String BLAS_YIELD_IN_KERNEL = "clone3;start_thread;/cache/openblas/libopenblas_nolapack.so.0;"
            + "entry_SYSCALL_64_after_hwframe_[k];do_syscall_64_[k];__x64_sys_sched_yield_[k];do_sched_yield_[k]";
    private static final String JIT = "clone3;start_thread;[unknown]";

    private static final String PROFILE = String.join("\n",
            CONV_BACKWARD + " 50", UPDATER + " 20", GEMM + " 15", MEMSET + " 5", LOOP + " 6", "", GC + " 4", CONV_BACKWARD + " 0",
            BLAS_YIELD + " 20", BLAS_YIELD_IN_KERNEL + " 10", JIT + " 70");

    @Test
    void sharesOfLeafKindsAndOfInnermostDl4jMethods() {
        ProfileSummary s = ProfileSummary.of(PROFILE);
        assertEquals(200, s.samples());
        Map<String, Double> kinds = s.kinds();
        assertEquals(0.35, kinds.get(ProfileSummary.UNSYMBOLISED), 1e-12);
        assertEquals(0.25, kinds.get("oneDNN kernels"), 1e-12);
        assertEquals(0.15, kinds.get(ProfileSummary.WAITING), 1e-12); // the kernel leaf under OpenBLAS's yield
        assertEquals(0.13, kinds.get("Java (DL4J, ND4J bookkeeping)"), 1e-12); // Adam 20 + the loop 6, not "JVM"
        assertEquals(0.075, kinds.get("BLAS (OpenBLAS gemm)"), 1e-12);
        assertEquals(0.025, kinds.get("memory (malloc, free, memset, memcpy, page faults)"), 1e-12);
        assertEquals(0.02, kinds.get("JVM (GC, JIT, runtime)"), 1e-12);
        assertEquals(7, kinds.size());
        assertEquals(Map.of("libopenblas_nolapack.so.0", 0.15), s.waiters());

        Map<String, Double> dl4j = s.hottestDl4jMethods(3);
        assertEquals(List.of("(outside DL4J)", "ConvolutionLayer.backpropGradient", "BaseLayer.preOutput"),
                List.copyOf(dl4j.keySet()));
        assertEquals(0.55, dl4j.get("(outside DL4J)"), 1e-12); // 30 + 70 + the loop 6 + GC 4 of 200
        assertEquals(0.25, dl4j.get("ConvolutionLayer.backpropGradient"), 1e-12);
        assertEquals(0.10, dl4j.get("BaseLayer.preOutput"), 1e-12);

        Map<String, Double> leaves = s.hottestLeaves(1);
        assertEquals(Map.of("[unknown]", 0.35), leaves);
        String md = s.markdown("train", 3);
        assertTrue(md.contains("| `oneDNN kernels` | 25.0% |"), md);
        assertTrue(md.contains("| `libopenblas_nolapack.so.0` | 15.0% |"), md);
    }

    @Test
    void aLineWithoutACountIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProfileSummary.of(GC + " 4\n" + GC));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
