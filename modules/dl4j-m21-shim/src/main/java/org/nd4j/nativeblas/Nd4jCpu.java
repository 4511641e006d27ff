package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * A shim for DL4J 1.0.0-M2.1's oneDNN layer helpers, which find out whether oneDNN is on by
 * reflecting on {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()}. ND4J
 * M2.1 moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and renamed the
 * method {@code isUseONEDNN}, so without this shim the lookup fails and every conv and pooling layer
 * silently falls back to im2col plus gemm (issue 8). The shim forwards to the moved class; it is
 * reached only through that reflection, switched on by
 * {@code dev.streetnum.model.fast.CpuAcceleration#enable()}.
 *
 * <p>Needed by DL4J/ND4J 1.0.0-M2.1 only, and fenced in its own module (a split package): the
 * module's README says how to delete it on a later release.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {
    }

    /** The name DL4J reflects on; forwards to the native environment by reflection (absent on CUDA). */
    public static final class Environment {

        static final String MOVED_CLASS = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Whether libnd4j will run its oneDNN implementations (false when the backend is not the CPU one). */
        public boolean isUseMKLDNN() {
            try {
                Class<?> moved = Class.forName(MOVED_CLASS);
                Object environment = moved.getMethod("getInstance").invoke(null);
                Method isUse = moved.getMethod("isUseONEDNN");
                return (Boolean) isUse.invoke(environment);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
