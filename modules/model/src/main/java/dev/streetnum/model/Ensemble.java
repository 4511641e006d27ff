package dev.streetnum.model;

import dev.streetnum.data.StreetnumVersion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Models read as one (issue 25): each member's network reads the same preprocessed input, each head's
 * probabilities are averaged over the members (and over a region's {@link ReadViews}), and the mean is
 * decoded once ({@link SequenceDecoder#decodeMean}). The members read one input, so they must
 * preprocess alike; the first member's localizers find the boxes of a photo given without one, and every
 * member reads those boxes. A {@link Transcriber} of one member is the plain read. A bundle that reads
 * with partners ({@link #join}, {@link ModelBundle#partners}) is one ensemble on its own: its members are
 * the bundle and then each partner, and its id and thresholds are the bundle's.
 *
 * <p>A region in a box the caller gave is read by the box readers of {@code paths}; a photo sent without a
 * box (each box the localizers find, or the whole photo) by its no-box readers (a bundle's
 * {@link ModelBundle#readingPaths}): a bundle may read a given box
 * with more networks than it can afford for every localized box, a network may be fit for one path only
 * (trained on numbers cut short, it reads a localizer's boxes surely and a caller's tight box less well),
 * and each path is calibrated on the networks that read it.
 *
 * @param members at least one; the first leads (its preprocessing, its localizers)
 * @param paths   which members read which path, one network per member
 */
public record Ensemble(List<Member> members, ReadingPaths paths) implements AutoCloseable {

    /**
     * @param bundle what the member is (its metadata, its localizer)
     * @param engine its forward pass; it must run this bundle's network
     */
    public record Member(ModelBundle bundle, InferenceEngine engine) {
        public Member {
            if (bundle == null || engine == null) {
                throw new IllegalArgumentException("an ensemble's member needs a bundle and the engine that runs it");
            }
        }
    }

    /** Between the member ids in {@link #modelId()}. */
    static final String ID_SEPARATOR = " + ";
    /** The provenance entry of a joined bundle that lists its members' model ids, the lead first. */
    public static final String ENSEMBLE_OF = "ensemble_of";
    /** The provenance entry of a network {@link #split} out of a joined bundle: that bundle's model id. */
    public static final String SPLIT_FROM = "split_from";

    public Ensemble {
        if (members == null || members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble reads with at least one model");
        }
        if (paths == null || paths.networks() != members.size()) {
            throw new IllegalArgumentException("an ensemble of " + members.size() + " members needs reading paths"
                    + " for " + members.size() + " networks, got " + paths);
        }
        members = List.copyOf(members);
        requireAlike(members.stream().map(Member::bundle).toList());
    }

    /** Every member reads both a box the caller gave and a photo sent without one. */
    public Ensemble(List<Member> members) {
        this(members, members == null ? null : members.size(), members == null ? null : members.size());
    }

    /**
     * The first {@code noBoxMembers} read a photo sent without a box and the last {@code boxMembers} a box
     * the caller gives (null: every member), refused in words that name "an ensemble".
     */
    public Ensemble(List<Member> members, Integer noBoxMembers, Integer boxMembers) {
        this(members, members == null || members.isEmpty() ? null
                : ReadingPaths.of("an ensemble", members.size(), noBoxMembers, boxMembers, null, null));
    }

    /**
     * The plain read: one model. A bundle with partners needs an engine for each network: refused here
     * ({@link #onDl4j}, or the onnx module's {@code Engine.open(List)}).
     */
    public static Ensemble of(ModelBundle bundle, InferenceEngine engine) {
        if (!bundle.partners().isEmpty()) {
            throw new IllegalArgumentException("model " + bundle.metadata().modelId() + " reads with "
                    + bundle.members().size() + " networks: open an engine for each (Engine.open(List))");
        }
        return new Ensemble(List.of(new Member(bundle, engine)));
    }

    /** The bundle as it reads, every network on DL4J: the bundle, then its partners. */
    public static Ensemble onDl4j(ModelBundle bundle) {
        return new Ensemble(bundle.members().stream().map(b -> new Member(b, new Dl4jEngine(b))).toList(),
                bundle.readingPaths());
    }

    /**
     * One bundle that reads as these do together (issue 25: an ensemble the service can serve): the first
     * leads with its localizers, and the others become its partners (their networks and metadata alone).
     * Its thresholds are none until calibrated on the ensemble's own readings ({@code evaluate
     * --write-threshold}, and {@code --no-box}); the lead's attachments (an int8 model of its network alone)
     * and metrics are dropped; the provenance lists the members' ids ({@value #ENSEMBLE_OF}).
     *
     * @param bundles at least two, preprocessing alike, none reading with partners of its own
     * @param modelId the ensemble's model id, what its answers carry
     */
    public static ModelBundle join(List<ModelBundle> bundles, String modelId) {
        return join(bundles, modelId, null, null);
    }

    /**
     * As {@link #join(List, String, Integer, Integer, EnsembleScore, EnsembleScore)}, each path scored by the
     * averaged heads.
     */
    public static ModelBundle join(List<ModelBundle> bundles, String modelId, Integer noBoxMembers,
                                   Integer boxMembers) {
        return join(bundles, modelId, noBoxMembers, boxMembers, null, null);
    }

    /**
     * As {@link #join(List, String)}, a photo sent without a box read by the first {@code noBoxMembers}
     * bundles only and a caller's box by the last {@code boxMembers} only (null: by every one;
     * {@link ModelBundle#readingPaths}), the answer to a caller's box scored by {@code boxScore} and to a photo
     * sent without one by {@code noBoxScore} (null: the averaged heads).
     */
    public static ModelBundle join(List<ModelBundle> bundles, String modelId, Integer noBoxMembers,
                                   Integer boxMembers, EnsembleScore boxScore, EnsembleScore noBoxScore) {
        if (bundles == null || bundles.size() < 2) {
            throw new IllegalArgumentException("an ensemble joins at least two bundles, got "
                    + (bundles == null ? 0 : bundles.size()));
        }
        for (ModelBundle b : bundles) {
            if (!b.partners().isEmpty()) {
                throw new IllegalArgumentException("model " + b.metadata().modelId() + " already reads with partners:"
                        + " join the bundles it was joined from");
            }
        }
        requireAlike(bundles);
        ModelBundle lead = bundles.get(0);
        List<String> ids = bundles.stream().map(b -> b.metadata().modelId()).toList();
        BundleMetadata l = lead.metadata().withoutThresholds();
        Map<String, Object> provenance = new LinkedHashMap<>(l.provenance());
        provenance.put(ENSEMBLE_OF, ids);
        BundleMetadata metadata = new BundleMetadata(BundleMetadata.FORMAT_VERSION, modelId, l.preset(),
                l.preprocess(), l.normalisation(), Thresholds.NONE, provenance, Map.of(), StreetnumVersion.VERSION,
                noBoxMembers, boxMembers, boxScore, noBoxScore);
        List<ModelBundle> partners = bundles.subList(1, bundles.size()).stream().map(ModelBundle::networkOnly).toList();
        return lead.joined(partners, metadata);
    }

    /**
     * The networks a joined bundle reads with, each a bundle of its own, in its order (the inverse of
     * {@link #join}): each as {@link #network} gives it.
     */
    public static List<ModelBundle> split(ModelBundle joined) {
        List<ModelBundle> networks = new ArrayList<>(joined.members().size());
        for (int n = 0; n < joined.members().size(); n++) {
            networks.add(network(joined, n));
        }
        return networks;
    }

    /**
     * Network {@code n} (from 0, the lead) of a joined bundle as a bundle of its own, made without the
     * others: the lead under its own id ({@link #memberIds}) with the bundle's localizers, a partner as it
     * was joined. None keeps thresholds: the joined bundle's were the networks' together, and a partner's
     * own were calibrated before joining, with localizers it no longer has. Attachments (int8 models) go,
     * as in {@link #join}: quantize after. Each records the joined bundle's id ({@value #SPLIT_FROM}).
     */
    public static ModelBundle network(ModelBundle joined, int n) {
        String from = joined.metadata().modelId();
        if (joined.partners().isEmpty()) {
            throw new IllegalArgumentException("model " + from + " reads with one network: there is nothing to split");
        }
        Objects.checkIndex(n, joined.members().size());
        if (n > 0) {
            ModelBundle partner = joined.partners().get(n - 1);
            return partner.withMetadata(partner.metadata().withoutThresholds().withProvenance(Map.of(SPLIT_FROM, from)));
        }
        List<String> ids = memberIds(joined);
        BundleMetadata e = joined.metadata().withoutThresholds();
        Map<String, Object> provenance = new LinkedHashMap<>(e.provenance());
        provenance.remove(ENSEMBLE_OF);
        provenance.put(SPLIT_FROM, from);
        String leadId = ids.size() == joined.members().size() ? ids.get(0) : from;
        return joined.withoutPartners(new BundleMetadata(BundleMetadata.FORMAT_VERSION, leadId, e.preset(),
                e.preprocess(), e.normalisation(), Thresholds.NONE, provenance, Map.of(), StreetnumVersion.VERSION, null,
                null, null, null));
    }

    /**
     * The model ids of the networks a bundle reads with, its own first: a joined bundle's as {@link #join}
     * recorded them (its own id is the ensemble's), else the bundle's id alone.
     */
    public static List<String> memberIds(ModelBundle bundle) {
        Object listed = bundle.metadata().provenance().get(ENSEMBLE_OF);
        return listed instanceof List<?> ids ? ids.stream().map(String::valueOf).toList()
                : List.of(bundle.metadata().modelId());
    }

    /**
     * Refuses bundles that do not preprocess alike (crop expansion, sizes, normalisation): they cannot
     * read one input. Callers may check before opening engines, which can take a while.
     */
    public static void requireAlike(List<ModelBundle> bundles) {
        BundleMetadata lead = bundles.get(0).metadata();
        for (ModelBundle bundle : bundles.subList(1, bundles.size())) {
            BundleMetadata other = bundle.metadata();
            if (!other.preprocess().equals(lead.preprocess()) || !other.normalisation().equals(lead.normalisation())) {
                throw new IllegalArgumentException("models read together must preprocess alike, but "
                        + lead.modelId() + " reads " + lead.preprocess() + " normalised " + lead.normalisation()
                        + " and " + other.modelId() + " reads " + other.preprocess() + " normalised "
                        + other.normalisation());
            }
        }
    }

    /** The member that leads: its preprocessing and its localizers are the ensemble's. */
    public ModelBundle lead() {
        return members.get(0).bundle();
    }

    /**
     * The engines' model ids joined by {@value #ID_SEPARATOR}: one model's id when there is one. A bundle's
     * partners are named by the bundle's id, so theirs are left out: a joined bundle's answers carry its id.
     */
    public String modelId() {
        Set<ModelBundle> partners = Collections.newSetFromMap(new IdentityHashMap<>());
        members.forEach(m -> partners.addAll(m.bundle().partners()));
        List<String> ids = new ArrayList<>(members.size());
        for (Member m : members) {
            if (!partners.contains(m.bundle())) {
                ids.add(m.engine().modelId());
            }
        }
        return String.join(ID_SEPARATOR, ids);
    }

    /**
     * What answers are judged by: the lead engine's thresholds. For a joined bundle they were calibrated on
     * the whole ensemble's readings; an ensemble assembled by hand has none of its own (its lead's are its
     * lead's alone), which is why {@code evaluate --ensemble} reports thresholds and never stores them.
     */
    public Thresholds thresholds() {
        return members.get(0).engine().thresholds();
    }

    public int size() {
        return members.size();
    }

    /** The members that read a photo sent without a box ({@link ReadingPaths#withoutBoxReaders}). */
    public List<Member> noBoxReaders() {
        return paths.withoutBoxReaders(members);
    }

    /** The members that read a box the caller gives ({@link ReadingPaths#callersBoxReaders}). */
    public List<Member> boxReaders() {
        return paths.callersBoxReaders(members);
    }

    /**
     * Closes every member's engine: for the owner that opened them (say {@code Engine.open(List)}), not
     * for a reader lent engines it does not own.
     */
    @Override
    public void close() {
        RuntimeException first = null;
        for (Member m : members) {
            try {
                m.engine().close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
