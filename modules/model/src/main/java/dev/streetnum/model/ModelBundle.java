package dev.streetnum.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.data.DataException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * One file a user can copy (DESIGN section 5): a zip holding {@code metadata.json} (the
 * {@link BundleMetadata}, first so a reader can check the format before the weights) and
 * {@code network.zip} (DL4J's ModelSerializer output, with the Adam state only for training
 * checkpoints). A bundle may also carry a {@link Localizer} (issue 14) as two more entries,
 * {@code localizer.json} and {@code localizer.zip}; readers that predate it ignore them, and a bundle
 * without them loads with no localizer (a photo without a box is then transcribed whole, as before).
 * Further localizers (issue 25: each finds a candidate box, and the transcriber keeps the most probable
 * reading) follow as {@code localizer-2.json}/{@code localizer-2.zip} and so on; older readers keep them
 * as attachments and read through the first localizer only.
 * Other entries are attachments other modules derive from the network (the onnx
 * module's int8 model): kept through load and save, so recalibrating thresholds does not drop them.
 */
public final class ModelBundle {

    /** Conventional file name extension. */
    public static final String EXTENSION = ".bundle";
    /**
     * The shipped pretrained bundle, as the {@code --model} default of the commands that read one
     * (a picocli default-value expression: scripts/streetnum sets STREETNUM_HOME to the checkout).
     */
    public static final String SHIPPED = "${env:STREETNUM_HOME:-.}/models/streetnum-cpu" + EXTENSION;
    static final String METADATA_ENTRY = "metadata.json";
    static final String NETWORK_ENTRY = "network.zip";
    static final String LOCALIZER_METADATA_ENTRY = localizerEntry(0, "json");
    static final String LOCALIZER_NETWORK_ENTRY = localizerEntry(0, "zip");
    /**
     * Most localizers a bundle may carry: each is a forward pass (two, refined) and a transcriber read per
     * photo sent without a box, so the count bounds a request's work.
     */
    public static final int MAX_LOCALIZERS = 4;
    private static final java.util.regex.Pattern LOCALIZER_ENTRY =
            java.util.regex.Pattern.compile("localizer(?:-([0-9]+))?\\.(json|zip)");

    private static final ObjectMapper JSON = BundleMetadata.JSON;

    private final ComputationGraph network;
    private final BundleMetadata metadata;
    private final List<Localizer> localizers;
    private final Map<String, byte[]> attachments;

    public ModelBundle(ComputationGraph network, BundleMetadata metadata) {
        this(network, metadata, null);
    }

    /** @param localizer finds the number on photos given without a box; null for none */
    public ModelBundle(ComputationGraph network, BundleMetadata metadata, Localizer localizer) {
        this(network, metadata, localizer == null ? List.of() : List.of(localizer), Map.of());
    }

    private ModelBundle(ComputationGraph network, BundleMetadata metadata, List<Localizer> localizers,
                        Map<String, byte[]> attachments) {
        if (network == null || metadata == null) {
            throw new IllegalArgumentException("a model bundle needs a network and its metadata");
        }
        boolean missing = localizers.stream().anyMatch(java.util.Objects::isNull);
        if (localizers.size() > MAX_LOCALIZERS || missing) {
            throw new IllegalArgumentException("a bundle carries at most " + MAX_LOCALIZERS + " localizers, got "
                    + localizers.size() + (missing ? " (one of them missing)" : ""));
        }
        this.network = network;
        this.metadata = metadata;
        this.localizers = List.copyOf(localizers);
        this.attachments = Collections.unmodifiableMap(new TreeMap<>(attachments));
    }

    public ComputationGraph network() {
        return network;
    }

    public BundleMetadata metadata() {
        return metadata;
    }

    /**
     * The first localizer, or empty when the bundle has none: the one to train on or continue
     * ({@code train-localizer --init-from}); reading uses {@link #localizers()}.
     */
    public java.util.Optional<Localizer> localizer() {
        return localizers.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(localizers.get(0));
    }

    /** Every localizer, in order: each finds one candidate box on a photo sent without a box. */
    public List<Localizer> localizers() {
        return localizers;
    }

    /** One line on how photos without a box are read, for start-up logs and {@code model-info}. */
    public String localizerSummary() {
        if (localizers.isEmpty()) {
            return "no localizer: a photo without a box is read whole (give a detector's box)";
        }
        if (localizers.size() == 1) {
            return "localizer: " + describe(localizers.get(0)) + ": a photo without a box is read in two passes";
        }
        List<String> each = new java.util.ArrayList<>();
        for (int i = 0; i < localizers.size(); i++) {
            each.add((i + 1) + ": " + describe(localizers.get(i)));
        }
        return localizers.size() + " localizers (" + String.join("; ", each) + "): a photo without a box is read"
                + " in each one's box, and the answer with the highest P(S|x) is kept";
    }

    private static String describe(Localizer localizer) {
        LocalizerMetadata m = localizer.metadata();
        Double iou = m.metrics().get("val_mean_iou");
        return m.input() + " input"
                + String.format(java.util.Locale.ROOT, ", %,d parameters", localizer.network().numParams())
                + (iou == null ? "" : String.format(java.util.Locale.ROOT, ", validation mean IoU %.3f", iou))
                + (m.provenance().containsKey("created") ? ", trained " + m.provenance().get("created") : "")
                + (m.refineWindow() == 0 ? ""
                        : String.format(java.util.Locale.ROOT, ", refined in a window %s times its first box", m.refineWindow()));
    }

    /** The same network with other metadata (e.g. after the evaluator calibrated thresholds); the localizers stay. */
    public ModelBundle withMetadata(BundleMetadata newMetadata) {
        return new ModelBundle(network, newMetadata, localizers, attachments);
    }

    /** The same transcriber with this localizer attached (replacing any it had). */
    public ModelBundle withLocalizer(Localizer newLocalizer) {
        return withLocalizers(List.of(newLocalizer));
    }

    /** The same transcriber with these localizers (replacing any it had; none: a bundle without a localizer). */
    public ModelBundle withLocalizers(List<Localizer> newLocalizers) {
        return new ModelBundle(network, metadata, newLocalizers, attachments);
    }

    /** The attachment stored under {@code name}, if the bundle has one. */
    public Optional<byte[]> attachment(String name) {
        return Optional.ofNullable(attachments.get(name));
    }

    /** The same bundle with an attachment added or replaced. */
    public ModelBundle withAttachment(String name, byte[] content) {
        if (name == null || name.isBlank() || name.equals(METADATA_ENTRY) || name.equals(NETWORK_ENTRY)
                || LOCALIZER_ENTRY.matcher(name).matches() || name.contains("/")) {
            throw new IllegalArgumentException("'" + name + "' cannot name a bundle attachment");
        }
        Map<String, byte[]> more = new TreeMap<>(attachments);
        more.put(name, content.clone());
        return new ModelBundle(network, metadata, localizers, more);
    }

    /** Writes without optimiser state (a model to use), atomically. */
    public void save(Path file) {
        save(file, false);
    }

    /**
     * Writes atomically (temporary file in the same folder, then rename), so a reader never sees a
     * half-written bundle.
     *
     * @param withUpdater also store the optimiser state, for training checkpoints that must resume
     */
    public void save(Path file, boolean withUpdater) {
        Path absolute = file.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(absolute.getParent());
            // Not Files.createTempFile: its owner-only permissions would stick to the bundle.
            tmp = absolute.resolveSibling(absolute.getFileName() + "." + ProcessHandle.current().pid()
                    + "-" + System.nanoTime() + ".tmp");
            ByteArrayOutputStream weights = new ByteArrayOutputStream();
            ModelSerializer.writeModel(network, weights, withUpdater);
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW); ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry(METADATA_ENTRY));
                zip.write(JSON.writeValueAsBytes(metadata));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(NETWORK_ENTRY));
                weights.writeTo(zip);
                zip.closeEntry();
                for (int i = 0; i < localizers.size(); i++) {
                    Localizer localizer = localizers.get(i);
                    zip.putNextEntry(new ZipEntry(localizerEntry(i, "json")));
                    zip.write(JSON.writeValueAsBytes(localizer.metadata()));
                    zip.closeEntry();
                    zip.putNextEntry(new ZipEntry(localizerEntry(i, "zip")));
                    // A localizer in a bundle is for use, never resumed: no optimiser state.
                    ByteArrayOutputStream localizerWeights = new ByteArrayOutputStream();
                    ModelSerializer.writeModel(localizer.network(), localizerWeights, false);
                    localizerWeights.writeTo(zip);
                    zip.closeEntry();
                }
                for (Map.Entry<String, byte[]> a : attachments.entrySet()) {
                    zip.putNextEntry(new ZipEntry(a.getKey()));
                    zip.write(a.getValue());
                    zip.closeEntry();
                }
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write model bundle " + file, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the write already failed; that is the error worth reporting
                }
            }
        }
    }

    /**
     * Reads a bundle, with optimiser state when it holds one. A missing file, a truncated file, a
     * non-bundle or a bundle in another format is a {@link DataException} naming the file.
     */
    public static ModelBundle load(Path file) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry metaEntry = zip.getEntry(METADATA_ENTRY);
            ZipEntry netEntry = zip.getEntry(NETWORK_ENTRY);
            if (metaEntry == null || netEntry == null) {
                throw new DataException(file + " is a zip archive but not a model bundle: it lacks "
                        + (metaEntry == null ? METADATA_ENTRY : NETWORK_ENTRY));
            }
            BundleMetadata metadata = readMetadata(file, zip, metaEntry);
            ComputationGraph network;
            try (InputStream in = zip.getInputStream(netEntry)) {
                byte[] weights = in.readAllBytes();
                network = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(weights), true);
                // Bundles written before the training loop flushed them hold subnormal weights.
                SubnormalWeights.flushToZero(network);
            } catch (ZipException | RuntimeException e) {
                throw new DataException(file + ": the network inside the bundle is damaged (" + e.getMessage() + ")", e);
            }
            Map<String, byte[]> attachments = new TreeMap<>();
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (!entry.isDirectory() && !entry.getName().equals(METADATA_ENTRY)
                        && !entry.getName().equals(NETWORK_ENTRY) && !LOCALIZER_ENTRY.matcher(entry.getName()).matches()) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        attachments.put(entry.getName(), in.readAllBytes());
                    }
                }
            }
            return new ModelBundle(network, metadata, readLocalizers(file, zip), attachments);
        } catch (NoSuchFileException e) {
            throw new DataException("model bundle not found: " + file, e);
        } catch (ZipException e) {
            throw new DataException(file + " is not a model bundle, or it is truncated (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw new DataException("model bundle not found: " + file, e);
            }
            throw new DataException("could not read model bundle " + file + ": " + e.getMessage(), e);
        }
    }

    /** The name of the {@code index}-th (from 0) localizer's entry: {@code localizer.json}, {@code localizer-2.zip}. */
    static String localizerEntry(int index, String kind) {
        return (index == 0 ? "localizer." : "localizer-" + (index + 1) + ".") + kind;
    }

    /**
     * The bundle's localizers, in order (none when it has none). Half a localizer, or a numbered one
     * without those before it, is an error naming what is missing.
     */
    private static List<Localizer> readLocalizers(Path file, ZipFile zip) throws IOException {
        int highest = 0;
        for (ZipEntry entry : Collections.list(zip.entries())) {
            java.util.regex.Matcher m = LOCALIZER_ENTRY.matcher(entry.getName());
            if (m.matches()) {
                int number = m.group(1) == null ? 1 : parseNumber(file, entry.getName(), m.group(1));
                highest = Math.max(highest, number);
            }
        }
        if (highest > MAX_LOCALIZERS) {
            throw new DataException(file + " carries " + highest + " localizers; this streetnum reads at most "
                    + MAX_LOCALIZERS);
        }
        List<Localizer> localizers = new java.util.ArrayList<>(highest);
        for (int i = 0; i < highest; i++) {
            localizers.add(readLocalizer(file, zip, localizerEntry(i, "json"), localizerEntry(i, "zip")));
        }
        return localizers;
    }

    private static int parseNumber(Path file, String entry, String digits) {
        try {
            int number = Integer.parseInt(digits);
            if (number >= 2) {
                return number;
            }
        } catch (NumberFormatException ignored) {
            // too many digits: refused below with the entry's name
        }
        throw new DataException(file + ": '" + entry + "' does not name a localizer (localizer-2 is the second)");
    }

    /** One localizer; half of one (or none where a later one exists) is an error naming what is missing. */
    private static Localizer readLocalizer(Path file, ZipFile zip, String metaName, String netName) throws IOException {
        ZipEntry metaEntry = zip.getEntry(metaName);
        ZipEntry netEntry = zip.getEntry(netName);
        if (metaEntry == null || netEntry == null) {
            throw new DataException(file + ": the localizer is incomplete: the bundle lacks "
                    + (metaEntry == null ? metaName : netName));
        }
        LocalizerMetadata metadata;
        try (InputStream in = zip.getInputStream(metaEntry)) {
            JsonNode tree = JSON.readTree(in);
            JsonNode version = tree.get("formatVersion");
            if (version == null || version.asInt() != LocalizerMetadata.FORMAT_VERSION) {
                throw new DataException(file + ": its localizer is in format " + (version == null ? "(none)" : version.asText())
                        + "; this streetnum reads localizer format " + LocalizerMetadata.FORMAT_VERSION);
            }
            metadata = JSON.treeToValue(tree, LocalizerMetadata.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new DataException(file + ": " + metaName + " is not valid localizer metadata ("
                    + e.getMessage() + ")", e);
        }
        try (InputStream in = zip.getInputStream(netEntry)) {
            byte[] weights = in.readAllBytes();
            ComputationGraph network = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(weights), false);
            SubnormalWeights.flushToZero(network);
            return new Localizer(network, metadata);
        } catch (ZipException | RuntimeException e) {
            throw new DataException(file + ": the localizer inside the bundle is damaged (" + e.getMessage() + ")", e);
        }
    }

    private static BundleMetadata readMetadata(Path file, ZipFile zip, ZipEntry entry) throws IOException {
        JsonNode tree;
        try (InputStream in = zip.getInputStream(entry)) {
            tree = JSON.readTree(in);
        } catch (JacksonException e) {
            throw new DataException(file + ": " + METADATA_ENTRY + " is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        JsonNode version = tree.get("formatVersion");
        if (version == null || !version.canConvertToInt()) {
            throw new DataException(file + ": " + METADATA_ENTRY + " has no formatVersion");
        }
        if (version.asInt() != BundleMetadata.FORMAT_VERSION) {
            JsonNode writer = tree.get("softwareVersion");
            throw new DataException(file + " is in bundle format " + version.asInt()
                    + (writer == null ? "" : " (written by streetnum " + writer.asText() + ")")
                    + "; this streetnum reads format " + BundleMetadata.FORMAT_VERSION);
        }
        BundleMetadata metadata;
        try {
            metadata = JSON.treeToValue(tree, BundleMetadata.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new DataException(file + ": " + METADATA_ENTRY + " is not valid bundle metadata ("
                    + e.getMessage() + ")", e);
        }
        if (!BundleMetadata.PER_IMAGE_MEAN.equals(metadata.normalisation())) {
            // Fed our normalisation, such a network would answer confidently and wrongly.
            throw new DataException(file + " was trained on inputs normalised as '" + metadata.normalisation()
                    + "'; this streetnum only feeds '" + BundleMetadata.PER_IMAGE_MEAN + "'");
        }
        return metadata;
    }
}
