package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.Box;
import dev.streetnum.data.PreprocessConfig;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Test-time views: one centre view is the plain read; several average the heads as computed here by hand. */
class ReadViewsTest {

    private static TestPhotos photos;

    @BeforeAll
    static void photos() {
        photos = TestPhotos.generated(31, 3);
    }

    @AfterAll
    static void close() {
        photos.close();
    }

    @Test
    void oneCentreViewIsThePlainReadExactly() {
        ModelBundle bundle = TestBundles.tiny(5);
        List<Transcription> plain = photos.readBy(new Transcriber(bundle));
        List<Transcription> viewed = photos.readBy(new Transcriber(bundle, new Dl4jEngine(bundle), ReadViews.standard(1)));
        ReadChecks.assertSameAnswers(plain, viewed);
    }

    @Test
    void severalViewsAverageEachHeadOverTheViewsBeforeDecoding() {
        ModelBundle bundle = TestBundles.tiny(6);
        ReadViews views = ReadViews.standard(15);
        List<Transcription> answers = photos.readBy(new Transcriber(bundle, new Dl4jEngine(bundle), views));
        for (int i = 0; i < photos.size(); i++) {
            double[][] mean = ReadChecks.meanByHand(List.of(bundle), photos.photo(i), photos.box(i), views);
            Transcription t = answers.get(i);
            assertEquals(SequenceDecoder.decode(mean).candidate(), t.candidate(), "photo " + i);
            assertEquals(SequenceLikelihood.logProbability(mean, t.candidate()), t.logProbability(), 1e-5, "photo " + i);
        }
    }

    @Test
    void mostConfidentKeepsTheViewWhoseOwnPlainReadScoresHighest() {
        ModelBundle bundle = TestBundles.tiny(7);
        ReadViews views = ReadViews.standard(3, ReadViews.Combine.MOST_CONFIDENT); // box scales only: plain reads of rescaled boxes
        List<Transcription> answers = photos.readBy(new Transcriber(bundle, new Dl4jEngine(bundle), views));
        Transcriber plain = new Transcriber(bundle);
        for (int i = 0; i < photos.size(); i++) {
            int photo = i;
            Transcription best = ReadChecks.surest(views.views().stream().map(view -> plain.transcribe(
                    List.of(photos.photo(photo)), java.util.Collections.singletonList(view.region(photos.box(photo))))
                    .get(0)).toList());
            assertEquals(best.candidate(), answers.get(i).candidate(), "photo " + i);
            assertEquals(best.logProbability(), answers.get(i).logProbability(), 1e-5, "photo " + i);
        }
    }

    @Test
    void mixtureAveragesEachViewsOwnSequenceProbability() {
        ModelBundle bundle = TestBundles.tiny(7);
        ReadViews views = ReadViews.standard(3, ReadViews.Combine.MIXTURE);
        List<Transcription> answers = photos.readBy(new Transcriber(bundle, new Dl4jEngine(bundle), views));
        Transcriber plain = new Transcriber(bundle);
        for (int i = 0; i < photos.size(); i++) {
            int photo = i;
            List<Transcription> byView = views.views().stream().map(view -> plain.transcribe(
                    List.of(photos.photo(photo)), java.util.Collections.singletonList(view.region(photos.box(photo))))
                    .get(0)).toList();
            Transcription t = answers.get(i);
            assertEquals(mixtureOf(byView, t.candidate()), t.confidence(), 1e-5, "photo " + i);
            for (Transcription view : byView) {
                // no view's own answer scores higher under the mixture than the one chosen
                double other = mixtureOf(byView, view.candidate());
                assertTrue(other <= t.confidence() + 1e-6, "photo " + i + ": " + view.candidate() + " scores " + other);
            }
        }
    }

    /** (1/V) sum_v P_v(number): each view's heads' sequence probability of it. */
    private static double mixtureOf(List<Transcription> byView, String number) {
        double sum = 0;
        for (Transcription view : byView) {
            sum += Math.exp(SequenceLikelihood.logProbability(view.heads(), number));
        }
        return sum / byView.size();
    }

    @Test
    void standardSetsStayInsideTheCropsTrainingShowed() {
        PreprocessConfig config = PreprocessConfig.DEFAULT;
        int slack = config.resize() - config.crop();
        for (int count : ReadViews.STANDARD_COUNTS) {
            ReadViews views = ReadViews.standard(count);
            assertEquals(count, views.count());
            assertEquals(ReadViews.View.CENTRE, views.views().get(0));
            for (ReadViews.View v : views.views()) {
                int x0 = slack / 2 + v.dx();
                int y0 = slack / 2 + v.dy();
                assertTrue(x0 >= 0 && x0 <= slack && y0 >= 0 && y0 <= slack, v.toString());
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ReadViews.standard(4));
        assertTrue(e.getMessage().contains("[1, 3, 5, 15]"), e.getMessage());
    }

    @Test
    void aViewRescalesTheRegionAboutItsCentre() {
        Box box = new Box(100, 40, 60, 30);
        Box grown = new ReadViews.View(1.2, 0, 0).region(box);
        assertEquals(new Box(94, 37, 72, 36), grown); // centre (130, 55) kept; sides 72 x 36
        assertEquals(box, ReadViews.View.CENTRE.region(box));
        assertEquals(null, new ReadViews.View(0.85, 0, 0).region(null));
        assertThrows(IllegalArgumentException.class, () -> new ReadViews.View(0, 0, 0));
    }
}
