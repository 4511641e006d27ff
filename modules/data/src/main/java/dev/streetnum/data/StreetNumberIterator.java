package dev.streetnum.data;

import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import org.bytedeco.opencv.opencv_core.Mat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minibatches for the six-head network.
 *
 * <ul>
 *   <li>features: one array [mb,3,54,54], RGB, normalised by {@link CropExpander} (two with
 *   {@link Options#secondView}: the same photos in another view);</li>
 *   <li>labels and label masks as {@link SequenceLabels} encodes them: a photo's number, or a teacher's
 *   {@link SoftTargets} when the photo carries them.</li>
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
     * @param secondView null for one view; else every batch has a second input: the same images with the same
     *                   crop offsets, with this jitter instead of {@code jitter} (consistency training's strong
     *                   view beside its weak one), each photo decoded once for both
     */
    public record Options(int batchSize, boolean augment, boolean shuffle, long seed, int workers, Path cache,
                          Augmentation jitter, Augmentation secondView) {

        /** Random crops only, no jitter: the first round's behaviour. */
        public Options(int batchSize, boolean augment, boolean shuffle, long seed, int workers, Path cache) {
            this(batchSize, augment, shuffle, seed, workers, cache, Augmentation.NONE);
        }

        /** One view. */
        public Options(int batchSize, boolean augment, boolean shuffle, long seed, int workers, Path cache,
                       Augmentation jitter) {
            this(batchSize, augment, shuffle, seed, workers, cache, jitter, null);
        }

        public Options {
            if (jitter == null) {
                throw new IllegalArgumentException("options need an augmentation (Augmentation.NONE for none)");
            }
            if (secondView != null && !augment) {
                throw new IllegalArgumentException("a second view is another augmentation of each photo: without"
                        + " augmenting, both views would be the same crop");
            }
            if (cache != null && augment && (jitter.movesRegion() || secondView != null && secondView.movesRegion())) {
                throw new IllegalArgumentException("a crop cache holds fixed crops: it cannot serve an augmentation that"
                        + " moves the box; leave out the cache, or the box jitter and the partial number");
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
    private OrderedPrefetch<Batch> pending;
    private MultiDataSetPreProcessor preProcessor;
    private int epoch;
    private int batchesTaken;

    public StreetNumberIterator(AnnotatedDataset data, CropExpander expander, Options options) {
        this.images = data.images();
        this.expander = expander;
        this.options = options;
        this.cache = options.cache() == null ? null : CropCache.open(options.cache(), data, expander, options.workers());
        this.pool = OrderedPrefetch.daemonPool("batches", options.workers());
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
            Random random = new Random(SeedStreams.derive(options.seed(), epoch));
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
        int[] order = epochOrder(newEpoch);
        batchesTaken = 0;
        int batchEpoch = newEpoch;
        pending = new OrderedPrefetch<>(pool, batchesPerEpoch(), options.workers() * PREFETCH_PER_WORKER, batch -> {
            int start = batch * options.batchSize();
            int[] indices = java.util.Arrays.copyOfRange(order, start, Math.min(images.size(), start + options.batchSize()));
            return () -> assemble(indices, batchEpoch);
        });
    }

    private void cancelPending() {
        if (pending != null) {
            pending.cancel();
        }
    }

    /** Builds one batch's arrays; runs on a worker thread and touches no ND4J state. */
    private Batch assemble(int[] indices, int batchEpoch) {
        int mb = indices.length;
        int inputSize = expander.inputSize();
        float[] features = new float[mb * inputSize];
        float[] second = options.secondView() == null ? null : new float[mb * inputSize];
        SequenceLabels.Rows labels = new SequenceLabels.Rows(mb);
        for (int row = 0; row < mb; row++) {
            int index = indices[row];
            AnnotatedImage image = images.get(index);
            try (Photo photo = new Photo(image, index)) {
                view(photo, options.jitter(), batchEpoch, features, row * inputSize);
                if (second != null) {
                    view(photo, options.secondView(), batchEpoch, second, row * inputSize);
                }
            }
            if (image.targets() != null) {
                labels.put(row, image.targets());
            } else {
                labels.put(row, image.digits().stream().mapToInt(DigitBox::label).toArray());
            }
        }
        return new Batch(mb, features, second, labels);
    }

    /**
     * Writes one view of the photo into {@code dst} at {@code offset}: its random crop offset is a function of
     * (seed, epoch, index) whatever the jitter, so two views of a photo share it.
     */
    private void view(Photo photo, Augmentation jitter, int batchEpoch, float[] dst, int offset) {
        Random random = options.augment()
                ? new Random(SeedStreams.derive(SeedStreams.derive(options.seed(), batchEpoch), photo.index)) : null;
        expander.normalise(expandedCrop(photo, options.augment() ? jitter : Augmentation.NONE, batchEpoch), random,
                dst, offset);
    }

    /** The photo's expanded crop, with the box and pixel jitter of (seed, epoch, index). */
    private byte[] expandedCrop(Photo photo, Augmentation jitter, int batchEpoch) {
        if (jitter.isNone()) {
            return photo.annotatedCrop();
        }
        Random random = new Random(SeedStreams.derive(SeedStreams.derive(options.seed() ^ JITTER_STREAM, batchEpoch),
                photo.index));
        byte[] crop;
        if (jitter.movesRegion()) {
            Mat decoded = photo.pixels();
            Box jittered = jitter.jitter(jitter.region(photo.image, random), random);
            // A loose box grown by the jitter can exceed the crop bound that the box itself meets
            // (a generated 256-px box on a 160-px photo stopped the demo's training): train on the
            // box as annotated then, rather than stop.
            if (!expander.accepts(jittered, decoded.cols(), decoded.rows())) {
                jittered = photo.image.region();
            }
            crop = expander.expandedCropBytes(decoded, jittered);
        } else {
            crop = photo.annotatedCrop();
        }
        jitter.apply(crop, expander.config().resize(), random);
        return crop;
    }

    /** One image of a batch, decoded at most once for all the views drawn from it, and released after its row. */
    private final class Photo implements AutoCloseable {
        private final AnnotatedImage image;
        private final int index;
        private Mat decoded;

        Photo(AnnotatedImage image, int index) {
            this.image = image;
            this.index = index;
        }

        Mat pixels() {
            if (decoded == null) {
                decoded = ImageDecoder.read(image.file());
            }
            return decoded;
        }

        /** The expanded crop of the annotated box, from the cache when there is one; a new array each call. */
        byte[] annotatedCrop() {
            return cache != null ? cache.crop(index) : expander.expandedCropBytes(pixels(), image.region());
        }

        @Override
        public void close() {
            if (decoded != null) {
                decoded.close();
            }
        }
    }

    /** @param second the second view's features, null when there is none */
    private record Batch(int size, float[] features, float[] second, SequenceLabels.Rows labels) {
    }

    @Override
    public org.nd4j.linalg.dataset.api.MultiDataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("epoch " + epoch + " has no more batches: call reset()");
        }
        Batch b = pending.next();
        batchesTaken++;
        int crop = expander.config().crop();
        int mb = b.size();
        INDArray[] labels = b.labels().labels(DataType.FLOAT);
        INDArray[] masks = b.labels().masks(DataType.FLOAT);
        long[] shape = {mb, expander.config().channels(), crop, crop};
        INDArray[] features = b.second() == null ? new INDArray[] {Nd4j.create(b.features(), shape, 'c')}
                : new INDArray[] {Nd4j.create(b.features(), shape, 'c'), Nd4j.create(b.second(), shape, 'c')};
        org.nd4j.linalg.dataset.MultiDataSet batch =
                new org.nd4j.linalg.dataset.MultiDataSet(features, labels, null, masks);
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
        return pending.hasNext();
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
}
