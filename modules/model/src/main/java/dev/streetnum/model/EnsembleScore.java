package dev.streetnum.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine;

/**
 * How an ensemble's answer is scored, the number its thresholds judge (DESIGN section 4). Either way the
 * answer S* is the exact decoding of the heads averaged over the networks; only its score differs. One
 * network scores the same either way.
 */
public enum EnsembleScore {

    /** P(S*|x) of the averaged heads: one distribution, as one network's. */
    MEAN_HEADS,

    /**
     * The geometric mean over the networks of each one's own P_m(S*|x) = P_m(L = n) prod_i P_m(s_i), so an
     * answer one network doubts scores low even when the average is sure (issue 25, rule R51: it ranks the
     * shipped ensemble's caller's boxes better on real val). Not a probability of one distribution.
     */
    AGREEMENT;

    /** The name in metadata and on the command line, e.g. "mean-heads". */
    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @throws IllegalArgumentException naming the known scores */
    @JsonCreator
    public static EnsembleScore parse(String label) {
        for (EnsembleScore score : values()) {
            if (score.label().equals(label)) {
                return score;
            }
        }
        throw new IllegalArgumentException("unknown ensemble score '" + label + "': one of "
                + Arrays.stream(values()).map(EnsembleScore::label).toList());
    }

    @Override
    public String toString() {
        return label();
    }

    /** For picocli: {@code --box-score agreement}. */
    public static final class Converter implements CommandLine.ITypeConverter<EnsembleScore> {
        @Override
        public EnsembleScore convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
