package dev.streetnum.model;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streetnum.data.AtomicFile;
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
 * A bundle may also read with partners (issue 25: an ensemble, {@link Ensemble#join}): further
 * transcribers, each as {@code member-2.json} (its {@link BundleMetadata}) and {@code member-2.zip} (its
 * network) and so on, that read every input this bundle's network reads; their heads are averaged with
 * its own, and this bundle's metadata (model id, thresholds) and localizers are the whole ensemble's;
 * the metadata may also say that only the first networks read a photo sent without a box
 * and only the last a box the caller gives ({@link #readingPaths}).
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
    /**
     * Most networks an ensemble bundle reads a caller's box with, its own included: each is a forward pass
     * of the region, so the count bounds a request's work.
     */
    public static final int MAX_MEMBERS = 8;
    /**
     * Most networks that read a photo sent without a box ({@link #readingPaths}): each reads every box the
     * localizers find, so with {@link #MAX_LOCALIZERS} this bounds such a request's work (16 reads).
     */
    public static final int MAX_NO_BOX_MEMBERS = 4;
    private static final java.util.regex.Pattern MEMBER_ENTRY =
            java.util.regex.Pattern.compile("member-([0-9]+)\\.(json|zip)");

    private static final ObjectMapper JSON = BundleMetadata.JSON;

    private final ComputationGraph network;
    private final BundleMetadata metadata;
    private final List<Localizer> localizers;
    private final Map<String, byte[]> attachments;
    private final List<ModelBundle> partners;
    /** Checked once, here: the metadata's path counts against the networks this bundle holds. */
    private final ReadingPaths readingPaths;

    public ModelBundle(ComputationGraph network, BundleMetadata metadata) {
        this(network, metadata, null);
    }

    /** @param localizer finds the number on photos given without a box; null for none */
    public ModelBundle(ComputationGraph network, BundleMetadata metadata, Localizer localizer) {
        this(network, metadata, localizer == null ? List.of() : List.of(localizer), Map.of(), List.of());
    }

    private ModelBundle(ComputationGraph network, BundleMetadata metadata, List<Localizer> localizers,
                        Map<String, byte[]> attachments, List<ModelBundle> partners) {
        if (network == null || metadata == null) {
            throw new IllegalArgumentException("a model bundle needs a network and its metadata");
        }
        boolean missing = localizers.stream().anyMatch(java.util.Objects::isNull);
        if (localizers.size() > MAX_LOCALIZERS || missing) {
            throw new IllegalArgumentException("a bundle carries at most " + MAX_LOCALIZERS + " localizers, got "
                    + localizers.size() + (missing ? " (one of them missing)" : ""));
        }
        int networks = partners.size() + 1;
        if (networks > MAX_MEMBERS) {
            throw new IllegalArgumentException("an ensemble bundle reads with at most " + MAX_MEMBERS
                    + " networks, its own included; got " + networks);
        }
        ReadingPaths paths = ReadingPaths.of("model " + metadata.modelId(), networks, metadata.noBoxMembers(),
                metadata.boxMembers(), metadata.boxScore(), metadata.noBoxScore());
        if (paths.noBoxMembers() > MAX_NO_BOX_MEMBERS) {
            throw new IllegalArgumentException("at most " + MAX_NO_BOX_MEMBERS + " networks read a photo sent"
                    + " without a box (each reads every box the localizers find), but model " + metadata.modelId()
                    + " reads one with " + (metadata.noBoxMembers() == null ? "all " + networks + " of its networks"
                    : paths.noBoxMembers()) + ": say how many, the first, with --no-box-members");
        }
        for (ModelBundle partner : partners) {
            if (!partner.localizers.isEmpty() || !partner.partners.isEmpty() || !partner.attachments.isEmpty()) {
                throw new IllegalArgumentException("a partner in an ensemble bundle is a network and its metadata"
                        + " alone, but " + partner.metadata.modelId() + " carries localizers, partners or attachments");
            }
        }
        this.network = network;
        this.metadata = metadata;
        this.localizers = List.copyOf(localizers);
        this.attachments = Collections.unmodifiableMap(new TreeMap<>(attachments));
        this.partners = List.copyOf(partners);
        this.readingPaths = paths;
        if (!partners.isEmpty()) {
            Ensemble.requireAlike(members());
        }
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

    /**
     * The further transcribers this bundle reads with (an ensemble; none for one network): each reads every
     * input this bundle's network reads. They carry no localizers, partners or attachments of their own.
     */
    public List<ModelBundle> partners() {
        return partners;
    }

    /**
     * Which of {@link #members} read which path: the first {@link ReadingPaths#noBoxMembers} a photo sent
     * without a box (each localized box, or the whole photo), the last {@link ReadingPaths#boxMembers} a box
     * the caller gives; every network reads both unless the metadata says otherwise.
     */
    public ReadingPaths readingPaths() {
        return readingPaths;
    }

    /** Every network that reads an input: this bundle's (it leads) and then its partners'. */
    public List<ModelBundle> members() {
        List<ModelBundle> all = new java.util.ArrayList<>(1 + partners.size());
        all.add(this);
        all.addAll(partners);
        return all;
    }

    /**
     * This bundle reading with these partners, under this metadata (the ensemble's: {@link Ensemble#join}).
     * The attachments go: they were derived from this network alone.
     */
    ModelBundle joined(List<ModelBundle> newPartners, BundleMetadata newMetadata) {
        return new ModelBundle(network, newMetadata, localizers, Map.of(), newPartners);
    }

    /** This bundle's network and localizers under this metadata, reading alone: no partners or attachments. */
    ModelBundle withoutPartners(BundleMetadata newMetadata) {
        return new ModelBundle(network, newMetadata, localizers, Map.of(), List.of());
    }

    /** This bundle's network and metadata alone: no localizers, partners or attachments (a partner's form). */
    ModelBundle networkOnly() {
        return new ModelBundle(network, metadata, List.of(), Map.of(), List.of());
    }

    /** The same network with other metadata (e.g. after the evaluator calibrated thresholds); the localizers stay. */
    public ModelBundle withMetadata(BundleMetadata newMetadata) {
        return new ModelBundle(network, newMetadata, localizers, attachments, partners);
    }

    /** The same transcriber with this localizer attached (replacing any it had). */
    public ModelBundle withLocalizer(Localizer newLocalizer) {
        return withLocalizers(List.of(newLocalizer));
    }

    /** The same transcriber with these localizers (replacing any it had; none: a bundle without a localizer). */
    public ModelBundle withLocalizers(List<Localizer> newLocalizers) {
        return new ModelBundle(network, metadata, newLocalizers, attachments, partners);
    }

    /** The names of the attachments stored in the bundle (e.g. its int8 models), in order. */
    public java.util.Set<String> attachmentNames() {
        return attachments.keySet();
    }

    /** The attachment stored under {@code name}, if the bundle has one. */
    public Optional<byte[]> attachment(String name) {
        return Optional.ofNullable(attachments.get(name));
    }

    /** The same bundle with an attachment added or replaced. */
    public ModelBundle withAttachment(String name, byte[] content) {
        if (name == null || name.isBlank() || name.equals(METADATA_ENTRY) || name.equals(NETWORK_ENTRY)
                || LOCALIZER_ENTRY.matcher(name).matches() || MEMBER_ENTRY.matcher(name).matches()
                || name.contains("/")) {
            throw new IllegalArgumentException("'" + name + "' cannot name a bundle attachment");
        }
        Map<String, byte[]> more = new TreeMap<>(attachments);
        more.put(name, content.clone());
        return new ModelBundle(network, metadata, localizers, more, partners);
    }

    /** Writes without optimiser state (a model to use), atomically. */
    public void save(Path file) {
        save(file, false);
    }

    /**
     * Writes atomically ({@link AtomicFile}), so a reader never sees a half-written bundle; a symbolic
     * link (a bundle kept elsewhere, linked into place) stays a link, its target holding the new bundle.
     *
     * @param withUpdater also store the optimiser state, for training checkpoints that must resume
     */
    public void save(Path file, boolean withUpdater) {
        try {
            ByteArrayOutputStream weights = new ByteArrayOutputStream();
            ModelSerializer.writeModel(network, weights, withUpdater);
            AtomicFile.write(file, tmp -> {
                try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
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
                    for (int i = 0; i < partners.size(); i++) {
                        ModelBundle partner = partners.get(i);
                        zip.putNextEntry(new ZipEntry(memberEntry(i + 1, "json")));
                        zip.write(JSON.writeValueAsBytes(partner.metadata));
                        zip.closeEntry();
                        zip.putNextEntry(new ZipEntry(memberEntry(i + 1, "zip")));
                        // A partner is for use, never resumed: no optimiser state.
                        ByteArrayOutputStream partnerWeights = new ByteArrayOutputStream();
                        ModelSerializer.writeModel(partner.network, partnerWeights, false);
                        partnerWeights.writeTo(zip);
                        zip.closeEntry();
                    }
                    for (Map.Entry<String, byte[]> a : attachments.entrySet()) {
                        zip.putNextEntry(new ZipEntry(a.getKey()));
                        zip.write(a.getValue());
                        zip.closeEntry();
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not write model bundle " + file, e);
        }
    }

    /**
     * Reads a bundle, with optimiser state when it holds one. A missing file, a truncated file, a
     * non-bundle or a bundle in another format is a {@link DataException} naming the file.
     */
    public static ModelBundle load(Path file) {
        return read(file, zip -> {
            ZipEntry metaEntry = bundleEntry(file, zip, METADATA_ENTRY);
            ZipEntry netEntry = bundleEntry(file, zip, NETWORK_ENTRY);
            BundleMetadata metadata = readMetadata(file, zip, metaEntry, METADATA_ENTRY);
            ComputationGraph network = readNetwork(file, zip, netEntry, true, "the network");
            Map<String, byte[]> attachments = new TreeMap<>();
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                if (!entry.isDirectory() && !name.equals(METADATA_ENTRY) && !name.equals(NETWORK_ENTRY)
                        && !LOCALIZER_ENTRY.matcher(name).matches() && !MEMBER_ENTRY.matcher(name).matches()) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        attachments.put(name, in.readAllBytes());
                    }
                }
            }
            List<ModelBundle> partners = readPartners(file, zip);
            try {
                return new ModelBundle(network, metadata, readLocalizers(file, zip), attachments, partners);
            } catch (IllegalArgumentException e) {
                throw new DataException(file + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * The bundle's own metadata (model id, thresholds, provenance) without reading a network: for a command
     * that needs only what a bundle stores about itself (compare-cuts' thresholds), where loading five networks
     * would take seconds. A file that is not a bundle fails as in {@link #load}; the path counts are checked
     * against the networks only by {@link #load}.
     */
    public static BundleMetadata metadataOf(Path file) {
        return read(file, zip -> {
            ZipEntry metadata = bundleEntry(file, zip, METADATA_ENTRY);
            bundleEntry(file, zip, NETWORK_ENTRY);
            return readMetadata(file, zip, metadata, METADATA_ENTRY);
        });
    }

    /** Reads from the bundle's zip, turning every way a file can fail to be one into a {@link DataException}. */
    private static <T> T read(Path file, ZipRead<T> read) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return read.from(zip);
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

    /** What {@link #read} does with an open bundle. */
    @FunctionalInterface
    private interface ZipRead<T> {
        T from(ZipFile zip) throws IOException;
    }

    /** One of the two entries every bundle has; its absence means the zip is something else. */
    private static ZipEntry bundleEntry(Path file, ZipFile zip, String name) {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new DataException(file + " is a zip archive but not a model bundle: it lacks " + name);
        }
        return entry;
    }

    /**
     * A network inside the bundle; {@code withUpdater} keeps a training checkpoint's optimiser state.
     * Bundles written before the training loop flushed them hold subnormal weights: set to zero here.
     */
    private static ComputationGraph readNetwork(Path file, ZipFile zip, ZipEntry entry, boolean withUpdater,
                                                String what) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] weights = in.readAllBytes();
            ComputationGraph network = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(weights),
                    withUpdater);
            SubnormalWeights.flushToZero(network);
            return network;
        } catch (ZipException | RuntimeException e) {
            throw new DataException(file + ": " + what + " inside the bundle is damaged (" + e.getMessage() + ")", e);
        }
    }

    /** {@link #load} of each file, in order (the commands that read several bundles: ensembles, averages). */
    public static List<ModelBundle> loadAll(List<Path> files) {
        return files.stream().map(ModelBundle::load).toList();
    }

    /** The name of the partner {@code number}'s entry (from 1: the bundle's second network is {@code member-2}). */
    static String memberEntry(int number, String kind) {
        return "member-" + (number + 1) + "." + kind;
    }

    /**
     * The bundle's partners, in order (none for one network). Half a partner, or a numbered one without those
     * before it, is an error naming what is missing.
     */
    private static List<ModelBundle> readPartners(Path file, ZipFile zip) throws IOException {
        int highest = Math.max(1, highestNumber(file, zip, MEMBER_ENTRY,
                "an ensemble member (member-2 is the second network)"));
        if (highest > MAX_MEMBERS) {
            throw new DataException(file + " reads with " + highest + " networks; this streetnum reads at most "
                    + MAX_MEMBERS);
        }
        List<ModelBundle> partners = new java.util.ArrayList<>(highest - 1);
        for (int number = 1; number < highest; number++) {
            ZipEntry metaEntry = zip.getEntry(memberEntry(number, "json"));
            ZipEntry netEntry = zip.getEntry(memberEntry(number, "zip"));
            if (metaEntry == null || netEntry == null) {
                throw new DataException(file + ": ensemble member " + (number + 1) + " is incomplete: the bundle lacks "
                        + (metaEntry == null ? memberEntry(number, "json") : memberEntry(number, "zip")));
            }
            BundleMetadata metadata = readMetadata(file, zip, metaEntry, memberEntry(number, "json"));
            ComputationGraph network = readNetwork(file, zip, netEntry, false, "ensemble member " + (number + 1));
            // The metadata no longer refuses its path counts alone: they meet the rule here, and a file that
            // breaks it is a bad file, named, as the bundle's own metadata is in load.
            try {
                partners.add(new ModelBundle(network, metadata));
            } catch (IllegalArgumentException e) {
                throw new DataException(file + ": " + memberEntry(number, "json") + ": " + e.getMessage(), e);
            }
        }
        return partners;
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
        int highest = highestNumber(file, zip, LOCALIZER_ENTRY, "a localizer (localizer-2 is the second)");
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

    /**
     * The highest number among the entries {@code pattern} matches (its group 1, the number; an entry without
     * one is the first, 1), 0 when none does; a number below 2 is an error saying what it fails to name.
     */
    private static int highestNumber(Path file, ZipFile zip, java.util.regex.Pattern pattern, String naming) {
        int highest = 0;
        for (ZipEntry entry : Collections.list(zip.entries())) {
            java.util.regex.Matcher m = pattern.matcher(entry.getName());
            if (m.matches()) {
                int number = 1;
                if (m.group(1) != null) {
                    number = -1;
                    try {
                        number = Integer.parseInt(m.group(1));
                    } catch (NumberFormatException ignored) {
                        // too many digits: refused below with the entry's name
                    }
                    if (number < 2) {
                        throw new DataException(file + ": '" + entry.getName() + "' does not name " + naming);
                    }
                }
                highest = Math.max(highest, number);
            }
        }
        return highest;
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
        return new Localizer(readNetwork(file, zip, netEntry, false, "the localizer"), metadata);
    }

    private static BundleMetadata readMetadata(Path file, ZipFile zip, ZipEntry entry, String name) throws IOException {
        JsonNode tree;
        try (InputStream in = zip.getInputStream(entry)) {
            tree = JSON.readTree(in);
        } catch (JacksonException e) {
            throw new DataException(file + ": " + name + " is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        JsonNode version = tree.get("formatVersion");
        if (version == null || !version.canConvertToInt()) {
            throw new DataException(file + ": " + name + " has no formatVersion");
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
            throw new DataException(file + ": " + name + " is not valid bundle metadata ("
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
