package dev.streetnum.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Models read as one (issue 25): each member's network reads the same preprocessed input, each head's
 * probabilities are averaged over the members (and over a region's {@link ReadViews}), and the mean is
 * decoded once ({@link SequenceDecoder#decodeMean}). The members read one input, so they must
 * preprocess alike; the first member's localizers find the boxes of a photo given without one, and every
 * member reads those boxes. A {@link Transcriber} of one member is the plain read.
 *
 * @param members at least one; the first leads (its preprocessing, its localizers)
 */
public record Ensemble(List<Member> members) implements AutoCloseable {

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

    public Ensemble {
        if (members == null || members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble reads with at least one model");
        }
        members = List.copyOf(members);
        requireAlike(members.stream().map(Member::bundle).toList());
    }

    /** The plain read: one model. */
    public static Ensemble of(ModelBundle bundle, InferenceEngine engine) {
        return new Ensemble(List.of(new Member(bundle, engine)));
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

    /** The engines' model ids joined by {@value #ID_SEPARATOR}: one model's id when there is one. */
    public String modelId() {
        List<String> ids = new ArrayList<>(members.size());
        for (Member m : members) {
            ids.add(m.engine().modelId());
        }
        return String.join(ID_SEPARATOR, ids);
    }

    public int size() {
        return members.size();
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
