package dev.streetnum.data;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ExecutorService;
import me.tongfei.progressbar.ProgressBar;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One binary file of expanded 64x64 BGR uint8 crops, one per image in data set order, so epochs after
 * the first don't decode PNGs. Layout: a header (magic, format version, count, crop side, expansion,
 * data set identity), then {@code count * side * side * 3} bytes. A header that does not match the
 * data set and preprocessing makes the file stale: it is rebuilt.
 */
public final class CropCache implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CropCache.class);
    private static final String MAGIC = "STREETNUM-CROPS";
    private static final int FORMAT_VERSION = 1;

    private final FileChannel channel;
    private final long dataStart;
    private final int cropBytes;
    private final int count;

    private CropCache(FileChannel channel, long dataStart, int cropBytes, int count) {
        this.channel = channel;
        this.dataStart = dataStart;
        this.cropBytes = cropBytes;
        this.count = count;
    }

    /** Opens the cache at {@code file}, building it first (on {@code workers} threads) if absent or stale. */
    public static CropCache open(Path file, AnnotatedDataset data, CropExpander expander, int workers) {
        Header wanted = new Header(data.size(), expander.config().resize(), expander.config().expansion(), data.identity());
        try {
            Header found = Files.isRegularFile(file) ? readHeader(file) : null;
            if (!wanted.equals(found)) {
                if (found != null) {
                    LOG.warn("crop cache {} is for other data or preprocessing: rebuilding it", file);
                }
                build(file, wanted, data, expander, workers);
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
            long expected = wanted.bytes() + (long) data.size() * expander.expandedCropSize();
            if (channel.size() != expected) {
                channel.close();
                throw new DataException("crop cache " + file + " is " + channel.size() + " bytes, expected " + expected
                        + ": delete it to rebuild");
            }
            return new CropCache(channel, wanted.bytes(), expander.expandedCropSize(), data.size());
        } catch (IOException e) {
            throw new DataException("cannot use crop cache " + file + ": " + e.getMessage(), e);
        }
    }

    /** The expanded crop of image {@code index}; safe to call from several threads. */
    public byte[] crop(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("crop " + index + " of " + count);
        }
        ByteBuffer buffer = ByteBuffer.allocate(cropBytes);
        long position = dataStart + (long) index * cropBytes;
        try {
            while (buffer.hasRemaining()) {
                int read = channel.read(buffer, position + buffer.position());
                if (read < 0) {
                    throw new DataException("crop cache ended early at crop " + index);
                }
            }
        } catch (IOException e) {
            throw new DataException("cannot read crop cache at crop " + index + ": " + e, e);
        }
        return buffer.array();
    }

    public int count() {
        return count;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new DataException("cannot close crop cache: " + e.getMessage(), e);
        }
    }

    /** The expanded crop of one image, decoded from its file: the same bytes the cache stores. */
    static byte[] decodeCrop(AnnotatedImage image, CropExpander expander) {
        try (Mat decoded = ImageDecoder.read(image.file())) {
            return expander.expandedCropBytes(decoded, image.region());
        }
    }

    private static void build(Path file, Header header, AnnotatedDataset data, CropExpander expander, int workers)
            throws IOException {
        List<AnnotatedImage> images = data.images();
        int inFlight = Math.max(1, workers) * 8;
        ExecutorService pool = OrderedPrefetch.daemonPool("crop-cache", Math.max(1, workers));
        try {
            AtomicFile.write(file, partial -> {
                try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(partial), 1 << 20);
                     ProgressBar progress = ProgressDisplay.start("crop cache", images.size(), " img")) {
                    DataOutputStream headerOut = new DataOutputStream(out);
                    header.write(headerOut);
                    headerOut.flush();
                    OrderedPrefetch<byte[]> crops = new OrderedPrefetch<>(pool, images.size(), inFlight,
                            i -> () -> decodeCrop(images.get(i), expander));
                    while (crops.hasNext()) {
                        out.write(crops.next());
                        progress.step();
                    }
                }
            });
        } finally {
            pool.shutdownNow();
        }
    }

    private static Header readHeader(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file); DataInputStream data = new DataInputStream(in)) {
            return Header.read(data);
        } catch (IOException | RuntimeException e) {
            return null; // unreadable or foreign: treat as stale
        }
    }

    private record Header(int count, int side, double expansion, String identity) {
        void write(DataOutputStream out) throws IOException {
            out.writeUTF(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(count);
            out.writeInt(side);
            out.writeDouble(expansion);
            out.writeUTF(identity);
        }

        static Header read(DataInputStream in) throws IOException {
            if (!MAGIC.equals(in.readUTF()) || in.readInt() != FORMAT_VERSION) {
                return null;
            }
            return new Header(in.readInt(), in.readInt(), in.readDouble(), in.readUTF());
        }

        long bytes() {
            try {
                java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream();
                write(new DataOutputStream(buffer));
                return buffer.size();
            } catch (IOException e) {
                throw new IllegalStateException("writing to memory cannot fail", e);
            }
        }
    }
}
