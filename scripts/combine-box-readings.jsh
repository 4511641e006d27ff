// Tries another rule for combining a no-box report's candidate boxes, from its rows alone: reads
// REPORT/predictions.csv and REPORT/box-readings.csv (evaluate --no-box through several localizers) and
// writes OUT/predictions.csv with each photo's answer and score as RULE gives them, for
// `streetnum compare` against the report itself. Rules (models/README.md, rule R46):
//   MOST_PROBABLE     the shipped rule: the most probable box's reading (reproduces predictions.csv; checked)
//   LONGER_CONTAINER  S1: if another box reads a longer number holding the most probable reading's digits,
//                     the most probable such reading answers, with its own P(S|x)
//   CONTAINER_PENALTY S2: the most probable reading answers, its P(S|x) times 1 - the largest P(S|x) of
//                     such a longer reading
//   jshell --class-path "modules/cli/target/lib/*" -R-Dreport=REPORT -R-Drule=RULE -R-Dout=OUT \
//       scripts/combine-box-readings.jsh
import dev.streetnum.eval.*;
import dev.streetnum.model.Transcription.BoxReading;
import java.nio.file.*;
import java.util.*;

Prediction combine(Prediction shipped, List<Prediction.CandidateBox> boxes, String rule) {
    int best = 0;
    for (int k = 1; k < boxes.size(); k++) {
        best = boxes.get(k).reading().logProbability() > boxes.get(best).reading().logProbability() ? k : best;
    }
    BoxReading top = boxes.get(best).reading();
    Prediction.CandidateBox chosen = boxes.get(best);
    double score = top.confidence();
    if (!rule.equals("MOST_PROBABLE") && top.transcribable()) {
        Prediction.CandidateBox container = null;
        for (var c : boxes) {
            BoxReading r = c.reading();
            if (r.transcribable() && !r.candidate().equals(top.candidate()) && r.candidate().contains(top.candidate())
                    && (container == null || r.logProbability() > container.reading().logProbability())) {
                container = c;
            }
        }
        if (container != null && rule.equals("LONGER_CONTAINER")) {
            chosen = container;
            score = container.reading().confidence();
        } else if (container != null && rule.equals("CONTAINER_PENALTY")) {
            score = top.confidence() * (1 - container.reading().confidence());
        } else if (!rule.equals("LONGER_CONTAINER") && !rule.equals("CONTAINER_PENALTY")) {
            throw new IllegalArgumentException("unknown rule " + rule);
        }
    }
    BoxReading r = chosen.reading();
    return new Prediction(shipped.file(), shipped.truth(), r.candidate(), r.transcribable(), score,
            shipped.adHocConfidence(), r.box(), shipped.boxSource(), chosen.boxIou());
}

void run() throws Exception {
    Path report = Path.of(System.getProperty("report"));
    String rule = System.getProperty("rule");
    Path out = Path.of(System.getProperty("out"));
    List<Prediction> shipped = PredictionsCsv.read(report.resolve("predictions.csv"));
    Map<String, List<Prediction.CandidateBox>> boxes = BoxReadingsCsv.read(report.resolve("box-readings.csv"));
    List<Prediction> combined = new ArrayList<>();
    int changed = 0;
    for (Prediction p : shipped) {
        Prediction again = combine(p, boxes.get(p.file()), "MOST_PROBABLE");
        if (!again.answer().equals(p.answer()) || !again.box().equals(p.box())
                || Math.abs(again.confidence() - p.confidence()) > 1e-12) {
            throw new IllegalStateException(p.file() + ": the most probable box's reading is not the report's answer");
        }
        Prediction q = combine(p, boxes.get(p.file()), rule);
        changed += q.answer().equals(p.answer()) && q.confidence() == p.confidence() ? 0 : 1;
        combined.add(q);
    }
    Files.createDirectories(out);
    PredictionsCsv.write(combined, q -> false, out.resolve("predictions.csv"));
    System.out.printf("%s: %d photos, %d answers or scores changed; %s%n", rule, combined.size(), changed,
            out.resolve("predictions.csv"));
}

run();
/exit
