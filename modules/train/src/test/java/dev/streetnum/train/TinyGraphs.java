package dev.streetnum.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A two-head conv net and random minibatches, built here so the loop's tests need neither the model
 * nor the data module: they test the loop, not the network.
 */
final class TinyGraphs {

    static final int SIDE = 8;
    static final int CLASSES = 3;

    private TinyGraphs() {
    }

    static ComputationGraph twoHeads(long seed, IUpdater updater, double dropout) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed).updater(updater)
                .graphBuilder()
                .addInputs("image")
                .addLayer("conv1", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(), "image")
                .addLayer("dense1", new DenseLayer.Builder().nOut(8).activation(Activation.RELU)
                        .dropOut(dropout > 0 ? 1 - dropout : 0).build(), "conv1")
                .addLayer("length", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "dense1")
                .addLayer("digit1", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build(), "dense1")
                .setOutputs("length", "digit1")
                .setInputTypes(InputType.convolutional(SIDE, SIDE, 3))
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /** Random minibatches whose labels depend on the input, so there is something to learn. */
    static List<MultiDataSet> batches(int count, int size, long seed) {
        Nd4j.getRandom().setSeed(seed);
        Random random = new Random(seed);
        List<MultiDataSet> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            INDArray x = Nd4j.rand(new int[] {size, 3, SIDE, SIDE});
            INDArray y1 = Nd4j.zeros(size, CLASSES);
            INDArray y2 = Nd4j.zeros(size, CLASSES);
            for (int i = 0; i < size; i++) {
                int c = random.nextInt(CLASSES);
                x.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).addi(c);
                y1.putScalar(i, c, 1);
                y2.putScalar(i, (c + 1) % CLASSES, 1);
            }
            out.add(new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x}, new INDArray[] {y1, y2}));
        }
        return out;
    }

    /** Epochs over fixed batches, in an order that depends on the epoch; optionally dies after some deliveries. */
    static final class FixedBatches implements TrainingBatches {
        private final List<MultiDataSet> batches;
        private final int dieAfter;
        private int delivered;

        FixedBatches(List<MultiDataSet> batches, int dieAfter) {
            this.batches = batches;
            this.dieAfter = dieAfter;
        }

        @Override
        public MultiDataSetIterator epoch(int epoch) {
            List<MultiDataSet> order = new ArrayList<>(batches);
            java.util.Collections.shuffle(order, new Random(epoch));
            return new MultiDataSetIterator() {
                private int next;

                @Override
                public MultiDataSet next(int num) {
                    return next();
                }

                @Override
                public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
                }

                @Override
                public MultiDataSetPreProcessor getPreProcessor() {
                    return null;
                }

                @Override
                public boolean resetSupported() {
                    return true;
                }

                @Override
                public boolean asyncSupported() {
                    return false;
                }

                @Override
                public void reset() {
                    next = 0;
                }

                @Override
                public boolean hasNext() {
                    return next < order.size();
                }

                @Override
                public MultiDataSet next() {
                    if (dieAfter > 0 && delivered++ >= dieAfter) {
                        throw new IllegalStateException("simulated kill -9");
                    }
                    return order.get(next++);
                }
            };
        }

        @Override
        public long batchesPerEpoch() {
            return batches.size();
        }

        @Override
        public long images() {
            return batches.stream().mapToLong(b -> b.getFeatures(0).size(0)).sum();
        }
    }
}
