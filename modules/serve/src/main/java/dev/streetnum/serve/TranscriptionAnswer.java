package dev.streetnum.serve;

import dev.streetnum.model.AcceptanceThreshold;

import dev.streetnum.data.Box;
import dev.streetnum.model.BoxSource;
import dev.streetnum.model.Transcription;
import java.util.ArrayList;
import java.util.List;

/**
 * What the service says about one image (the JSON of {@code POST /v1/transcribe} and each line of
 * {@code streetnum transcribe}).
 *
 * @param text                the transcription when accepted, null when refused
 * @param accepted            P(S|x) reached the threshold and the model could transcribe (not ">5")
 * @param candidate           the most probable transcription even when refused, for review queues
 * @param transcribable       false when the model says the number has more than five digits
 * @param confidence          P(S|x) of the candidate
 * @param threshold           the threshold the answer was judged against
 * @param positions           each candidate digit with its head's probability for it
 * @param lengthProbabilities P(L=n|x) for n = 0..5 and ">5"
 * @param alternatives        the next most probable transcriptions, best first
 * @param box                 the region read (before the 30% expansion), in the photo's pixels: the caller's
 *                            box, the localized one, or the whole photo; null only from fakes
 * @param boxSource           "caller", "localized" (the bundle's localizer found it) or "whole-image"
 * @param boxReadings         for a photo sent without a box to a bundle with several localizers, each candidate
 *                            box and how it read on its own, in the localizers' order (the answer is the most
 *                            probable of them); empty otherwise
 * @param model               the model's id
 * @param elapsedMs           time from receiving the image to its answer, decoding included
 */
public record TranscriptionAnswer(
        String text,
        boolean accepted,
        String candidate,
        boolean transcribable,
        double confidence,
        double threshold,
        List<Position> positions,
        double[] lengthProbabilities,
        List<Transcription.Alternative> alternatives,
        Box box,
        BoxSource boxSource,
        List<Transcription.BoxReading> boxReadings,
        String model,
        double elapsedMs) {

    /** One digit of the candidate and the probability its head gave it. */
    public record Position(int digit, double probability) {
    }

    /** {@code t} judged at the threshold for where its region came from (a caller's box or none). */
    public static TranscriptionAnswer of(Transcription t, AcceptanceThreshold thresholds, String modelId,
                                         double elapsedMs) {
        double threshold = thresholds.forSource(t.boxSource());
        boolean accepted = t.acceptedAt(threshold);
        List<Position> positions = new ArrayList<>(t.candidate().length());
        for (int i = 0; i < t.candidate().length() && i < t.digitProbabilities().length; i++) {
            int digit = t.candidate().charAt(i) - '0';
            positions.add(new Position(digit, t.digitProbabilities()[i][digit]));
        }
        return new TranscriptionAnswer(accepted ? t.candidate() : null, accepted, t.candidate(),
                t.transcribable(), t.confidence(), threshold, List.copyOf(positions), t.lengthProbabilities(),
                t.alternatives() == null ? List.of() : t.alternatives(), t.box(), t.boxSource(),
                t.boxReadings(), modelId, elapsedMs);
    }
}
