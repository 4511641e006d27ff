package dev.streetnum.data;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imwrite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Writes generated examples (synthetic or recomposed) as a data set folder: PNGs plus
 * {@code labels.csv}, on several threads.
 */
public final class SyntheticDatasetWriter {

    private final ExampleSource generator;
    private final int threads;

    public SyntheticDatasetWriter(ExampleSource generator, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("the writer needs at least one thread, got " + threads);
        }
        this.generator = generator;
        this.threads = threads;
    }

    /**
     * Writes examples 0..count-1 of stream {@code seed} into {@code folder} and loads the result.
     *
     * @param showProgress a progress bar on stderr (commands), or none (tests)
     */
    public AnnotatedDataset write(Path folder, int count, long seed, boolean showProgress) {
        if (count < 1) {
            throw new IllegalArgumentException("a data set needs at least one image, got count=" + count);
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new DataException("cannot create " + folder + ": " + e.getMessage(), e);
        }
        List<AnnotatedImage> images = new ArrayList<>(count);
        ExecutorService pool = Executors.newFixedThreadPool(threads, CropCache.daemonThreads("generate"));
        ProgressBar progress = showProgress ? new ProgressBarBuilder().setTaskName(folder.getFileName().toString())
                .setInitialMax(count).setStyle(ProgressBarStyle.ASCII).showSpeed()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
        try {
            ArrayDeque<Future<AnnotatedImage>> pending = new ArrayDeque<>();
            int next = 0;
            for (int done = 0; done < count; done++) {
                while (next < count && pending.size() < threads * 4) {
                    int index = next++;
                    pending.add(pool.submit(() -> writeOne(folder, seed, index)));
                }
                images.add(StreetNumberIterator.await(pending.poll()));
                if (progress != null) {
                    progress.step();
                }
            }
        } finally {
            pool.shutdownNow();
            if (progress != null) {
                progress.close();
            }
        }
        AnnotatedDataset.write(folder.resolve(AnnotatedDataset.LABELS_FILE), images);
        return AnnotatedDataset.load(folder, false);
    }

    private AnnotatedImage writeOne(Path folder, long seed, int index) {
        StreetNumberGenerator.Example example = generator.generate(seed, index);
        Path file = folder.resolve(index + ".png");
        if (!imwrite(file.toString(), example.image())) {
            throw new DataException("cannot write " + file);
        }
        return new AnnotatedImage(file.toAbsolutePath(), example.digits());
    }
}
