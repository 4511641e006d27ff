package dev.streetnum.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.streetnum.data.Box;
import java.util.List;

/**
 * The decoded answer for one image (DESIGN section 4).
 *
 * @param candidate            the most probable digit string (may be "" for length 0; meaningful even
 *                             when refused, for review queues)
 * @param transcribable        false when the ">5" length class wins: the model says it cannot transcribe
 * @param confidence           P(S|x) of the candidate, exp(logProbability): the number thresholds judge
 * @param logProbability       log P(S|x) = log P(L=n|x) + sum_{i<=n} log P(s_i|x); for an ensemble that scores
 *                             by its networks' agreement ({@link EnsembleScore#AGREEMENT}) the mean over the
 *                             networks of their own log P_m(S|x), not one distribution's
 * @param adHocConfidence      baseline only: the product of all six heads' maximum probabilities
 * @param lengthProbabilities  the length softmax, 7 values (0..5, ">5")
 * @param digitProbabilities   the five digit softmaxes, 5 x 10
 * @param alternatives         the next most probable transcriptions, best first (may be empty)
 * @param box                  the region read, in the photo's pixels, before the 30% expansion (null when the
 *                             input came preprocessed)
 * @param boxSource            where that region came from (null when the input came preprocessed)
 * @param boxReadings          for a photo read without a box in several candidate boxes (one per localizer), each
 *                             box's own reading, in the localizers' order; empty when one region was read
 */
public record Transcription(
        String candidate,
        boolean transcribable,
        double confidence,
        double logProbability,
        double adHocConfidence,
        double[] lengthProbabilities,
        double[][] digitProbabilities,
        List<Alternative> alternatives,
        Box box,
        BoxSource boxSource,
        List<BoxReading> boxReadings) {

    /** An answer read from one region, or from input that came preprocessed. */
    public Transcription(String candidate, boolean transcribable, double confidence, double logProbability,
                         double adHocConfidence, double[] lengthProbabilities, double[][] digitProbabilities,
                         List<Alternative> alternatives, Box box, BoxSource boxSource) {
        this(candidate, transcribable, confidence, logProbability, adHocConfidence, lengthProbabilities,
                digitProbabilities, alternatives, box, boxSource, List.of());
    }

    public Transcription {
        boxReadings = boxReadings == null ? List.of() : List.copyOf(boxReadings);
    }

    /** Another transcription and its P(S|x). */
    public record Alternative(String text, double confidence) {
    }

    /**
     * One candidate box and how it read on its own: what a caller who wants another rule than the
     * shipped one (DESIGN section 3a) combines the boxes from.
     *
     * @param box            the candidate region, in the photo's pixels, before the 30% expansion
     * @param candidate      its most probable digit string
     * @param transcribable  false when its ">5" length class won
     * @param logProbability log P(S|x) of that string read in that box
     */
    public record BoxReading(Box box, String candidate, boolean transcribable, double logProbability) {

        /** P(S|x), exp(logProbability); in the service's JSON beside it. */
        @JsonProperty("confidence")
        public double confidence() {
            return Math.exp(logProbability);
        }
    }

    /** The same answer scored otherwise ({@link EnsembleScore}): log P(S|x) and P(S|x) replaced, all else kept. */
    public Transcription scored(double newLogProbability) {
        return new Transcription(candidate, transcribable, Math.exp(newLogProbability), newLogProbability,
                adHocConfidence, lengthProbabilities, digitProbabilities, alternatives, box, boxSource, boxReadings);
    }

    /** The same answer, saying which region it was read from. */
    public Transcription withBox(Box region, BoxSource source) {
        return new Transcription(candidate, transcribable, confidence, logProbability, adHocConfidence,
                lengthProbabilities, digitProbabilities, alternatives, region, source, boxReadings);
    }

    /** The same answer, with the readings of the candidate boxes it was chosen from. */
    public Transcription withBoxReadings(List<BoxReading> readings) {
        return new Transcription(candidate, transcribable, confidence, logProbability, adHocConfidence,
                lengthProbabilities, digitProbabilities, alternatives, box, boxSource, readings);
    }

    /** This answer as the reading of the candidate box {@code region}: its string and P(S|x) there. */
    public BoxReading asBoxReading(Box region) {
        return new BoxReading(region, candidate, transcribable, logProbability);
    }

    /** The six heads this answer was decoded from, in network order: length, then digit1..digit5. */
    public double[][] heads() {
        double[][] heads = new double[1 + digitProbabilities.length][];
        heads[0] = lengthProbabilities;
        System.arraycopy(digitProbabilities, 0, heads, 1, digitProbabilities.length);
        return heads;
    }

    /** Whether this answer is given at threshold t: {@link Thresholds#accepts}, the one rule. */
    public boolean acceptedAt(double threshold) {
        return Thresholds.accepts(transcribable, confidence, threshold);
    }
}
