package dev.streetnum.train;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J backend the classpath chose (nd4j-native, or nd4j-cuda under {@code -Pcuda}) and the device
 * it computes on, for the log, run.json and the GPU script's check.
 *
 * @param name   ND4J's backend class, e.g. CpuBackend or JCublasBackend
 * @param device e.g. "NVIDIA A100-SXM4-40GB" or "CPU, 2 threads, OpenBLAS"
 * @param gpu    whether the device is a CUDA GPU
 */
public record Backend(String name, String device, boolean gpu) {

    public static Backend current() {
        String name = Nd4j.getBackend().getClass().getSimpleName();
        Properties env = Nd4j.getExecutioner().getEnvironmentInformation();
        Object devices = env.get("cuda.availableDevices");
        if (devices instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map<?, ?> first) {
            return new Backend(name, String.valueOf(first.get("cuda.deviceName")), true);
        }
        return new Backend(name, "CPU, " + env.getOrDefault("omp.threads", "?") + " threads, "
                + env.getOrDefault("blas.vendor", "unknown BLAS"), false);
    }

    /** The log line the GPU script looks for. */
    public String logLine() {
        return "ND4J backend: " + name + ", device: " + device;
    }
}
