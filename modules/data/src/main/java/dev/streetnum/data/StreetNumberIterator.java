package dev.streetnum.data;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minibatches for the six-head network.
 *
 * <ul>
 *   <li>features: one array [mb,3,54,54], RGB, normalised by {@link CropExpander};</li>
 *   <li>labels, in head order: length one-hot [mb,7] (class n for n digits up to 5, class 6 = ">5"),
 *       then digit1..digit5 one-hot [mb,10]; a digit head past the number's length is all zeros;</li>
 *   <li>label masks [mb,1] per head: the length head's are all ones; digit head i (0-based) has 1
 *       iff i &lt; min(n,5), so heads past the length get no gradient.</li>
 * </ul>
 *
 * <p>Order and augmentation are reproducible: the shuffle is a function of (seed, epoch), an image's
 * random crop of (seed, epoch, image index), so a resumed run ({@link #setEpoch}) sees the same
 * batches. Batches are assembled on background threads, a few ahead of the consumer. {@link #reset()}
 * moves to the next epoch once any batch of the current one was taken (as DL4J's fit loop expects).
 * Not thread-safe: one consumer.
 */
public final class StreetNumberIterator implements MultiDataSetIterator, AutoCloseable {

    /** Batches assembled ahead of the consumer per worker. */
    private static final int PREFETCH_PER_WORKER = 2;
    /** Mixes seeds (the golden-ratio increment of SplitMix64). */
    private static final long SEED_MIX = 0x9E3779B97F4A7C15L;
    /** Separates the jitter's random stream from the crop offset's, so adding jitter keeps the offsets. */
    private static final long JITTER_STREAM = 0x6A09E667F3BCC909L;

    /**
     * @param batchSize minibatch size
     * @param augment   random 54x54 crops (training); false takes centre crops (evaluation)
     * @param shuffle   reshuffle every epoch, deterministically from seed and epoch
     * @param seed      the run's data seed (shuffling and crop offsets)
     * @param workers   decoding threads
     * @param cache     optional file of preprocessed 64x64 uint8 crops, built on first use; null for none;
     *                  not usable with an augmentation that moves the box (the crops would be fixed)
     * @param jitter    what {@code augment} adds to the random crop ({@link Augmentation#NONE} for nothing)
     */
    public record Options(int batchSize, boolean augment, boolean shuffle, long seed, int workers, Path cache,
                          Augmentation jitter) {

        /** Random crops only, no jitter: the first round's behaviour. */
        public Options(int batchSize, boolean augment, boolean shuffle, long seed, int workers, Path cache) {
            this(batchSize, augment, shuffle, seed, workers, cache, Augmentation.NONE);
        }

        public Options {
            if (jitter == null) {
                throw new IllegalArgumentException("options need an augmentation (Augmentation.NONE for none)");
            }
            if (cache != null && augment && jitter.jittersBox()) {
                throw new IllegalArgumentException("a crop cache holds fixed crops: it cannot serve an augmentation that"
                        + " moves the box; leave out the cache or the box jitter");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
            }
            if (workers < 1) {
                throw new IllegalArgumentException("the iterator needs at least one worker thread, got " + workers);
            }
        }
    }

    private final List<AnnotatedImage> images;
    private final CropExpander expander;
    private final Options options;
    private final CropCache cache;
    private final ExecutorService pool;
    private final ArrayDeque<Future<Batch>> pending = new ArrayDeque<>();
    private MultiDataSetPreProcessor preProcessor;
    private int epoch;
    private int[] order;
    private int nextBatchToSubmit;
    private int batchesTaken;

    public StreetNumberIterator(AnnotatedDataset data, CropExpander expander, Options options) {
        this.images = data.images();
        this.expander = expander;
        this.options = options;
        this.cache = options.cache() == null ? null : CropCache.open(options.cache(), data, expander, options.workers());
        this.pool = Executors.newFixedThreadPool(options.workers(), CropCache.daemonThreads("batches"));
        startEpoch(0);
    }

    /** Sets the epoch whose shuffle and augmentation the next pass uses (resume picks up mid-run). */
    public void setEpoch(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be non-negative, got " + epoch);
        }
        startEpoch(epoch);
    }

    /** The epoch the current pass belongs to. */
    public int epoch() {
        return epoch;
    }

    /**
     * Batches in one epoch (the last may be smaller). A shuffled (training) pass leaves out a last
     * batch of one image: DL4J M2.1 rejects label masks on a one-row minibatch ("Per output masking
     * for MCXENT + softmax: not supported"); the shuffle leaves out a different image each epoch.
     */
    public int batchesPerEpoch() {
        int batches = (images.size() + options.batchSize() - 1) / options.batchSize();
        boolean loneLast = images.size() % options.batchSize() == 1 && batches > 1;
        return options.shuffle() && loneLast ? batches - 1 : batches;
    }

    /** Images in the data set. */
    public int size() {
        return images.size();
    }

    /** The data set indices of one epoch, in the order its batches take them. */
    public int[] epochOrder(int epoch) {
        int[] o = new int[images.size()];
        for (int i = 0; i < o.length; i++) {
            o[i] = i;
        }
        if (options.shuffle()) {
            Random random = new Random(mix(options.seed(), epoch));
            for (int i = o.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = o[i];
                o[i] = o[j];
                o[j] = t;
            }
        }
        return o;
    }

    private void startEpoch(int newEpoch) {
        cancelPending();
        epoch = newEpoch;
        order = epochOrder(newEpoch);
        nextBatchToSubmit = 0;
        batchesTaken = 0;
        fillPrefetch();
    }

    private void cancelPending() {
        for (Future<Batch> f : pending) {
            // Never interrupt: an interrupted read closes the crop cache's FileChannel for every thread.
            f.cancel(false);
        }
        pending.clear();
    }

    private void fillPrefetch() {
        int ahead = options.workers() * PREFETCH_PER_WORKER;
        while (pending.size() < ahead && nextBatchToSubmit < batchesPerEpoch()) {
            int start = nextBatchToSubmit * options.batchSize();
            int end = Math.min(images.size(), start + options.batchSize());
            int[] indices = java.util.Arrays.copyOfRange(order, start, end);
            int batchEpoch = epoch;
            pending.add(pool.submit(() -> assemble(indices, batchEpoch)));
            nextBatchToSubmit++;
        }
    }

    /** Builds one batch's arrays; runs on a worker thread and touches no ND4J state. */
    private Batch assemble(int[] indices, int batchEpoch) {
        int mb = indices.length;
        int inputSize = expander.inputSize();
        float[] features = new float[mb * inputSize];
        float[] length = new float[mb * SequenceLabels.LENGTH_CLASSES];
        float[][] digits = new float[SequenceLabels.MAX_DIGITS][mb * SequenceLabels.DIGIT_CLASSES];
        float[][] masks = new float[SequenceLabels.MAX_DIGITS][mb];
        for (int row = 0; row < mb; row++) {
            int index = indices[row];
            AnnotatedImage image = images.get(index);
            Random random = options.augment() ? new Random(mix(mix(options.seed(), batchEpoch), index)) : null;
            byte[] crop = expandedCrop(image, index, batchEpoch);
            expander.normalise(crop, random, features, row * inputSize);
            int n = image.length();
            length[row * SequenceLabels.LENGTH_CLASSES + SequenceLabels.lengthClass(n)] = 1f;
            for (int i = 0; i < Math.min(n, SequenceLabels.MAX_DIGITS); i++) {
                digits[i][row * SequenceLabels.DIGIT_CLASSES + image.digits().get(i).label()] = 1f;
                masks[i][row] = 1f;
            }
        }
        return new Batch(mb, features, length, digits, masks);
    }

    /** The image's expanded crop, with the box and pixel jitter of (seed, epoch, index) when augmenting. */
    private byte[] expandedCrop(AnnotatedImage image, int index, int batchEpoch) {
        Augmentation jitter = options.augment() ? options.jitter() : Augmentation.NONE;
        if (jitter.isNone()) {
            return cache != null ? cache.crop(index) : CropCache.decodeCrop(image, expander);
        }
        Random random = new Random(mix(mix(options.seed() ^ JITTER_STREAM, batchEpoch), index));
        byte[] crop;
        if (jitter.jittersBox()) {
            try (org.bytedeco.opencv.opencv_core.Mat decoded = ImageDecoder.read(image.file())) {
                crop = expander.expandedCropBytes(decoded, jitter.jitter(image.region(), random));
            }
        } else {
            crop = cache != null ? cache.crop(index) : CropCache.decodeCrop(image, expander);
        }
        jitter.apply(crop, expander.config().resize(), random);
        return crop;
    }

    private record Batch(int size, float[] features, float[] length, float[][] digits, float[][] masks) {
    }

    @Override
    public org.nd4j.linalg.dataset.api.MultiDataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has no more batches: call reset()");
        }
        Batch b = await(pending.poll());
        batchesTaken++;
        fillPrefetch();
        int crop = expander.config().crop();
        int mb = b.size();
        INDArray[] labels = new INDArray[SequenceLabels.HEADS];
        INDArray[] masks = new INDArray[SequenceLabels.HEADS];
        labels[0] = Nd4j.create(b.length(), new long[] {mb, SequenceLabels.LENGTH_CLASSES}, 'c');
        masks[0] = Nd4j.ones(mb, 1);
        for (int i = 0; i < SequenceLabels.MAX_DIGITS; i++) {
            labels[i + 1] = Nd4j.create(b.digits()[i], new long[] {mb, SequenceLabels.DIGIT_CLASSES}, 'c');
            masks[i + 1] = Nd4j.create(b.masks()[i], new long[] {mb, 1}, 'c');
        }
        INDArray features = Nd4j.create(b.features(), new long[] {mb, expander.config().channels(), crop, crop}, 'c');
        org.nd4j.linalg.dataset.MultiDataSet batch =
                new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {features}, labels, null, masks);
        if (preProcessor != null) {
            preProcessor.preProcess(batch);
        }
        return batch;
    }

    /** Only the configured batch size is supported: batches are assembled ahead of time. */
    @Override
    public org.nd4j.linalg.dataset.api.MultiDataSet next(int num) {
        if (num != options.batchSize()) {
            throw new IllegalArgumentException("this iterator makes batches of " + options.batchSize() + ", not " + num);
        }
        return next();
    }

    @Override
    public boolean hasNext() {
        return !pending.isEmpty();
    }

    @Override
    public void reset() {
        startEpoch(batchesTaken > 0 ? epoch + 1 : epoch);
    }

    @Override
    public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public MultiDataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    /** False: it already prefetches on its own threads; DL4J's async wrapper would only add copies. */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public void close() {
        cancelPending();
        pool.shutdownNow();
        if (cache != null) {
            cache.close();
        }
    }

    /** A stream seed derived from a parent seed and a number (SplitMix64 finaliser). */
    static long mix(long seed, long value) {
        return new SplittableRandom(seed * SEED_MIX + value).nextLong();
    }

    /** A worker's result; its {@link DataException} surfaces as it was thrown. */
    static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } catch (CancellationException e) {
            throw new IllegalStateException("batch was cancelled", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
