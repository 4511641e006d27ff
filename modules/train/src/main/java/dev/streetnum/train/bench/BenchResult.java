package dev.streetnum.train.bench;

import dev.streetnum.model.NetworkFlops;

/**
 * One benchmark run's figures. GFLOP/s are achieved rates: forward FLOPs per image times images per
 * second (times {@link NetworkFlops#TRAINING_PASSES} for training).
 *
 * @param preset                  preset name, lower case
 * @param parameters              trainable parameters
 * @param forwardFlopsPerImage    forward FLOPs of one image (multiply-add = 2)
 * @param cpuAcceleration         whether DL4J gave any layer of the timed network a oneDNN helper
 * @param nativeBuild             the ND4J native build that was loaded
 * @param blasThreads             OpenBLAS's thread count during the run (the dense layers' gemm)
 * @param trainBatch              training minibatch size
 * @param trainImagesPerSecond    training throughput (forward, backward, Adam update)
 * @param trainGflops             achieved training GFLOP/s
 * @param infer1ImagesPerSecond   inference throughput at batch 1
 * @param infer1Gflops            achieved GFLOP/s at batch 1
 * @param infer64ImagesPerSecond  inference throughput at batch 64
 * @param infer64Gflops           achieved GFLOP/s at batch 64
 */
public record BenchResult(String preset, long parameters, long forwardFlopsPerImage, boolean cpuAcceleration,
                          String nativeBuild, int blasThreads, int trainBatch, double trainImagesPerSecond, double trainGflops,
                          double infer1ImagesPerSecond, double infer1Gflops,
                          double infer64ImagesPerSecond, double infer64Gflops) {
}
