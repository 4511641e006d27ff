package dev.streetnum.model.fast;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Switches DL4J's oneDNN layer helpers on, so convolution and pooling layers run libnd4j's oneDNN
 * kernels instead of DL4J's im2col-plus-gemm path (issue 8: im2col was ~55% of training time).
 *
 * <p>Three things keep the helpers off in DL4J/ND4J 1.0.0-M2.1, and {@link #enable()} undoes them:
 * <ol>
 *   <li>the system property {@value #HELPERS_DISABLE_PROPERTY} defaults to {@code true};</li>
 *   <li>the helpers ask {@code org.nd4j.nativeblas.Nd4jCpu$Environment} whether oneDNN is on, a class
 *       ND4J moved: the shim {@code org.nd4j.nativeblas.Nd4jCpu}, fenced in its own module
 *       ({@code modules/dl4j-m21-shim}, with how to delete it), answers for it;</li>
 *   <li>the default {@code linux-x86_64} native build has no oneDNN: the build ships the
 *       {@code linux-x86_64-onednn} classifier, which JavaCPP prefers when it is on the class path.</li>
 * </ol>
 * Call it once, before building or loading a network: DL4J picks a layer's helper when the layer is
 * created. Only float networks use the helpers; double networks (gradient checks) keep the
 * reference path, and so does any layer whose configuration the helper declines. Whether a built
 * network really got them is {@link #layersWithHelpers}'s answer, asked of DL4J: {@link #isRequested}
 * only says what was asked for.
 */
public final class CpuAcceleration {

    /** DL4J M2.1 reads this in {@code HelperUtils.createHelper} each time a layer is created. */
    public static final String HELPERS_DISABLE_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    /** What libnd4j's build information lists when it was compiled with oneDNN. */
    static final String ONEDNN_BUILD_FLAG = "HAVE_ONEDNN";
    private static final String NATIVE_LIBRARY = "nd4jcpu";

    private static volatile boolean enabled;

    private CpuAcceleration() {
    }

    /**
     * Switches the oneDNN layer helpers on for layers created from now on. Returns false, changing
     * nothing, when the loaded native build has no oneDNN (a CUDA backend, or a plain CPU build).
     */
    public static synchronized boolean enable() {
        if (!nativeBuildHasOneDnn()) {
            return false;
        }
        System.setProperty(HELPERS_DISABLE_PROPERTY, "false");
        Nd4j.getEnvironment().allowHelpers(true);
        enabled = true;
        return true;
    }

    /** Back to DL4J's reference path for layers created from now on (tests compare the two). */
    public static synchronized void disable() {
        System.setProperty(HELPERS_DISABLE_PROPERTY, "true");
        enabled = false;
    }

    /** Whether the helpers were asked for, for layers created from now on (not whether any layer got one). */
    public static boolean isRequested() {
        return enabled;
    }

    /**
     * The layers of {@code network} that DL4J gave a helper when it built them, in network order: the
     * fact {@code run.json} and the benchmark report. Empty on the reference path, on a build without
     * oneDNN, and when the shim is missing (DL4J then falls back silently).
     */
    public static List<String> layersWithHelpers(ComputationGraph network) {
        List<String> names = new ArrayList<>();
        for (Layer layer : network.getLayers()) {
            if (layer.getHelper() != null) {
                names.add(layer.conf().getLayer().getLayerName());
            }
        }
        return names;
    }

    /** Whether the loaded libnd4j was compiled with oneDNN. */
    public static boolean nativeBuildHasOneDnn() {
        String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend", "");
        return "CPU".equalsIgnoreCase(backend)
                && NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains(ONEDNN_BUILD_FLAG);
    }

    /** The folder (platform plus extension, e.g. {@code linux-x86_64-onednn}) libnd4j was loaded from. */
    public static String nativeBuild() {
        Nd4j.getExecutioner();
        for (Map.Entry<String, String> library : Loader.getLoadedLibraries().entrySet()) {
            if (library.getKey().contains(NATIVE_LIBRARY)) {
                String[] parts = library.getValue().replace('\\', '/').split("/");
                return parts.length >= 2 ? parts[parts.length - 2] : library.getValue();
            }
        }
        return "unknown";
    }
}
