package dev.streetnum.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorKindTest {

    private static Prediction read(String truth, String answer) {
        return new Prediction(truth + "-" + answer, truth, answer, true, 0.9, 0.9);
    }

    @Test
    void eachWrongAnswerHasOneKind() {
        assertNull(ErrorKind.of(read("1849", "1849")));
        assertEquals(ErrorKind.EXTRA_DIGITS, ErrorKind.of(read("9", "19")));
        assertEquals(ErrorKind.EXTRA_DIGITS, ErrorKind.of(read("25", "251")));
        assertEquals(ErrorKind.EXTRA_DIGITS, ErrorKind.of(read("3", "434")));
        assertEquals(ErrorKind.MISSING_DIGITS, ErrorKind.of(read("2040", "20")));
        assertEquals(ErrorKind.MISSING_DIGITS, ErrorKind.of(read("126", "26")));
        assertEquals(ErrorKind.MISSING_DIGITS, ErrorKind.of(read("7", "")));
        assertEquals(ErrorKind.WRONG_DIGITS, ErrorKind.of(read("89", "90")));
        // Longer but the truth's digits are not all there in order: a misreading, not a neighbour taken in.
        assertEquals(ErrorKind.WRONG_DIGITS, ErrorKind.of(read("12", "132")));
        assertEquals(ErrorKind.WRONG_DIGITS, ErrorKind.of(read("126", "16")));
        assertEquals(ErrorKind.REFUSED, ErrorKind.of(new Prediction("r", "19", "19", false, 0.9, 0.9)));
    }

    @Test
    void countsEveryKindAndSaysSo() {
        Map<String, Integer> counts = ErrorKind.count(List.of(read("9", "19"), read("9", "9"), read("33", "3"),
                read("8", "38"), read("5", "6")));
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("extra digits", 2);
        expected.put("missing digits", 1);
        expected.put("wrong digits", 1);
        expected.put("refused", 0);
        assertEquals(expected, counts);
        assertEquals("2 extra digits, 1 missing digits, 1 wrong digits, 0 refused", ErrorKind.describe(counts));
    }
}
