package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.Box;
import dev.streetnum.data.CropExpander;
import dev.streetnum.data.DigitBox;
import dev.streetnum.data.LengthMix;
import dev.streetnum.data.PreprocessConfig;
import dev.streetnum.data.SequenceLabels;
import dev.streetnum.data.StreetNumberGenerator;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Test-time views: one centre view is the plain read; several average the heads as computed here by hand. */
class ReadViewsTest {

    private static final List<Mat> PHOTOS = new ArrayList<>();
    private static final List<Box> BOXES = new ArrayList<>();

    @BeforeAll
    static void photos() {
        StreetNumberGenerator generator = new StreetNumberGenerator(LengthMix.SVHN);
        for (int i = 0; i < 3; i++) {
            var example = generator.generate(31, i);
            PHOTOS.add(example.image());
            BOXES.add(example.digits().stream().map(DigitBox::box).reduce(Box::union).orElseThrow());
        }
        BOXES.set(2, null); // one photo read whole
    }

    @AfterAll
    static void close() {
        PHOTOS.forEach(Mat::close);
    }

    @Test
    void oneCentreViewIsThePlainReadExactly() {
        ModelBundle bundle = TestBundles.tiny(5);
        List<Transcription> plain = new Transcriber(bundle).transcribe(PHOTOS, BOXES);
        List<Transcription> viewed = new Transcriber(bundle, new Dl4jEngine(bundle), ReadViews.standard(1))
                .transcribe(PHOTOS, BOXES);
        assertEquals(plain.size(), viewed.size());
        for (int i = 0; i < plain.size(); i++) {
            Transcription a = plain.get(i);
            Transcription b = viewed.get(i);
            assertEquals(a.candidate(), b.candidate());
            assertEquals(a.logProbability(), b.logProbability(), 0.0); // bit for bit
            assertEquals(a.adHocConfidence(), b.adHocConfidence(), 0.0);
            assertTrue(java.util.Arrays.equals(a.lengthProbabilities(), b.lengthProbabilities()));
            assertTrue(java.util.Arrays.deepEquals(a.digitProbabilities(), b.digitProbabilities()));
            assertEquals(a.alternatives(), b.alternatives());
            assertEquals(a.box(), b.box());
            assertEquals(a.boxSource(), b.boxSource());
        }
    }

    @Test
    void severalViewsAverageEachHeadOverTheViewsBeforeDecoding() {
        ModelBundle bundle = TestBundles.tiny(6);
        ReadViews views = ReadViews.standard(15);
        List<Transcription> answers = new Transcriber(bundle, new Dl4jEngine(bundle), views).transcribe(PHOTOS, BOXES);
        CropExpander expander = new CropExpander(bundle.metadata().preprocess());
        for (int i = 0; i < PHOTOS.size(); i++) {
            double[][] mean = new double[SequenceLabels.HEADS][];
            for (ReadViews.View view : views.views()) {
                float[] input = new float[expander.inputSize()];
                expander.normalise(expander.expandedCropBytes(PHOTOS.get(i), view.region(BOXES.get(i))),
                        expander.centreOffset() + view.dx(), expander.centreOffset() + view.dy(), input, 0);
                PreprocessConfig c = expander.config();
                INDArray[] heads = bundle.network().output(false,
                        Nd4j.create(input, new long[] {1, c.channels(), c.crop(), c.crop()}));
                for (int h = 0; h < mean.length; h++) {
                    double[] p = heads[h].toDoubleVector();
                    if (mean[h] == null) {
                        mean[h] = new double[p.length];
                    }
                    for (int k = 0; k < p.length; k++) {
                        mean[h][k] += p[k] / views.count();
                    }
                }
            }
            Transcription t = answers.get(i);
            assertEquals(SequenceDecoder.decode(mean).candidate(), t.candidate(), "photo " + i);
            assertEquals(SequenceLikelihood.logProbability(mean, t.candidate()), t.logProbability(), 1e-5, "photo " + i);
        }
    }

    @Test
    void mostConfidentKeepsTheViewWhoseOwnPlainReadScoresHighest() {
        ModelBundle bundle = TestBundles.tiny(7);
        ReadViews views = ReadViews.standard(3, ReadViews.Combine.MOST_CONFIDENT); // box scales only: plain reads of rescaled boxes
        List<Transcription> answers = new Transcriber(bundle, new Dl4jEngine(bundle), views).transcribe(PHOTOS, BOXES);
        Transcriber plain = new Transcriber(bundle);
        for (int i = 0; i < PHOTOS.size(); i++) {
            Transcription best = null;
            for (ReadViews.View view : views.views()) {
                Transcription t = plain.transcribe(List.of(PHOTOS.get(i)), java.util.Collections.singletonList(
                        view.region(BOXES.get(i)))).get(0);
                if (best == null || t.logProbability() > best.logProbability()) {
                    best = t;
                }
            }
            assertEquals(best.candidate(), answers.get(i).candidate(), "photo " + i);
            assertEquals(best.logProbability(), answers.get(i).logProbability(), 1e-5, "photo " + i);
        }
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
