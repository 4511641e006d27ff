package dev.streetnum.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.streetnum.data.SequenceLabels;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TranscriberTest {

    @Test
    void featuresAreTranscribedFromTheNetworksHeads() {
        ModelBundle bundle = TestBundles.tiny(9);
        Nd4j.getRandom().setSeed(9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, 54, 54).subi(0.5);
        List<Transcription> out = new Transcriber(bundle).transcribe(x);
        INDArray[] heads = bundle.network().output(false, x);
        assertEquals(4, out.size());
        for (int e = 0; e < 4; e++) {
            double[][] probs = new double[SequenceLabels.HEADS][];
            for (int h = 0; h < probs.length; h++) {
                probs[h] = heads[h].getRow(e).toDoubleVector();
            }
            // The answer's confidence is P(S|x) of its own candidate, computed independently.
            Transcription t = out.get(e);
            assertEquals(SequenceLikelihood.logProbability(probs, t.candidate()), t.logProbability(), 1e-9);
            assertEquals(SequenceDecoder.decode(probs).candidate(), t.candidate());
        }
    }

    @Test
    void wrongInputShapeIsNamed() {
        Transcriber transcriber = new Transcriber(TestBundles.tiny(9));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> transcriber.transcribe(Nd4j.zeros(DataType.FLOAT, 1, 3, 32, 32)));
        assertTrue(e.getMessage().contains("[mb,3,54,54]"), e.getMessage());
    }
}
