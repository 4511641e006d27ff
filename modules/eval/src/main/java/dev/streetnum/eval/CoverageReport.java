package dev.streetnum.eval;

import dev.streetnum.model.TargetAccuracy;
import dev.streetnum.model.Thresholds;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the evaluator measured: written whole to {@code report.json}, with the predictions to
 * {@code predictions.csv} and the pictures beside them by {@link ReportWriter}.
 *
 * @param softwareVersion     streetnum version that evaluated
 * @param modelId             the bundle's model id; for an ensemble, its models' ids joined by " + "
 * @param targetAccuracy      the accuracy the operating threshold is chosen for
 * @param targets             every accuracy coverage is reported at (95, 98, 99% and the target)
 * @param boxes               how the CSV's boxes were used, written as its {@link BoxUse#label}: "the CSV's
 *                            boxes" given to the model, "no box" when it ran without (then each set gives the mean
 *                            IoU of the boxes found), or "the CSV's boxes, read as found"
 * @param test                the test set: full-coverage metrics and best achievable coverage
 * @param validation          the validation set, when given: where thresholds are chosen
 * @param train               the training set, when given: for the train-test gap
 * @param calibration         thresholds by target accuracy and what they do on test
 * @param fit                 the under/overfitting verdict (with a training set only)
 * @param acceptanceThreshold the threshold at the target accuracy: the "accepted" column of the CSV
 * @param acceptedErrors      the wrong test answers accepted at that threshold, by {@link ErrorKind}: the
 *                            mistakes a caller would be given
 * @param acceptedErrorsOnAnnotationGaps the files among those whose annotation leaves a digit-wide gap between
 *                            neighbouring digit boxes ({@code AnnotationGap}: a digit the label may leave out);
 *                            null when the report was built without the annotations
 * @param testIntervals       how sure the test figures are ({@link Bootstrap} over the test photos, the threshold
 *                            held fixed); null for an empty test set
 * @param calibrationIntervals how far the operating point could land from the target, the threshold chosen
 *                            again on each draw of validation ({@link CalibrationIntervals}); null without a
 *                            validation set
 * @param reliability         whether P(S|x) on test reads as the probability of being right (binned), and its
 *                            expected calibration error
 * @param worstErrors         most confident wrong transcriptions, for the contact sheet
 * @param refusals            examples not accepted at the acceptance threshold, for the contact sheet
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CoverageReport(
        String softwareVersion,
        String modelId,
        double targetAccuracy,
        List<Double> targets,
        BoxUse boxes,
        SetSummary test,
        SetSummary validation,
        SetSummary train,
        Calibration calibration,
        FitDiagnosis fit,
        double acceptanceThreshold,
        Map<String, Integer> acceptedErrors,
        List<String> acceptedErrorsOnAnnotationGaps,
        TestIntervals testIntervals,
        CalibrationIntervals calibrationIntervals,
        Reliability reliability,
        @JsonIgnore List<Prediction> testPredictions,
        @JsonIgnore List<SheetTile> worstErrors,
        @JsonIgnore List<SheetTile> refusals) {

    /** Accuracies every report gives coverage at, besides the caller's target. */
    public static final List<Double> STANDARD_TARGETS = List.of(0.95, 0.98, 0.99);

    /**
     * A set's numbers as they appear in JSON.
     *
     * @param bestCoverage      by target accuracy, the best coverage achievable on this very set with
     *                          P(S|x), its threshold chosen on the set itself (optimistic for test)
     * @param adHocBestCoverage the same with the ad-hoc confidence
     * @param riskCoverageArea  the area under P(S|x)'s risk-coverage curve ({@link CoverageCurve#riskCoverageArea}):
     *                          the mean error rate over every coverage, lower is better
     * @param meanBoxIou        without boxes: mean IoU of the boxes found against the CSV's union boxes (null
     *                          when the boxes were given)
     */
    public record SetSummary(String identity, SequenceMetrics metrics, Map<String, OperatingPoint> bestCoverage,
                             Map<String, OperatingPoint> adHocBestCoverage, double riskCoverageArea,
                             Double meanBoxIou) {

        static SetSummary of(EvaluatedSet set, List<Double> targets) {
            double iou = set.meanBoxIou();
            CoverageCurve principled = set.principledCurve();
            return new SetSummary(set.identity(), set.metrics(), EvaluatedSet.atAccuracies(principled, targets),
                    set.adHocCoverage(targets), principled.riskCoverageArea(), Double.isNaN(iou) ? null : iou);
        }
    }

    /**
     * @param chosenOn   "validation", or "test" when no validation set was given (then the test figures
     *                   are the best achievable on test, not a held-out estimate)
     * @param thresholds P(S|x) threshold by target accuracy, as chosen on {@code chosenOn}
     * @param onTest     what each threshold does on test: its coverage and accuracy there
     */
    public record Calibration(String chosenOn, Map<String, Double> thresholds, Map<String, OperatingPoint> onTest) {
    }

    /** Builds the report's numbers; the contact sheet tiles are added with {@link #withSheets}. */
    public static CoverageReport of(String softwareVersion, String modelId, double targetAccuracy,
                                    EvaluatedSet test, EvaluatedSet validation, EvaluatedSet train) {
        return of(softwareVersion, modelId, targetAccuracy, BoxUse.GIVEN, test, validation, train);
    }

    public static CoverageReport of(String softwareVersion, String modelId, double targetAccuracy, BoxUse boxes,
                                    EvaluatedSet test, EvaluatedSet validation, EvaluatedSet train) {
        targetAccuracy = new TargetAccuracy(targetAccuracy).value();
        TreeSet<Double> targetSet = new TreeSet<>(STANDARD_TARGETS);
        targetSet.add(targetAccuracy);
        List<Double> targets = List.copyOf(targetSet);

        EvaluatedSet calibrationSet = validation != null ? validation : test;
        CoverageCurve calibrationCurve = calibrationSet.principledCurve();
        CoverageCurve testCurve = test.principledCurve();
        Map<String, Double> thresholds = new TreeMap<>();
        Map<String, OperatingPoint> onTest = new TreeMap<>();
        for (double target : targets) {
            double t = calibrationCurve.atAccuracy(target).threshold();
            thresholds.put(TargetAccuracy.keyOf(target), t);
            onTest.put(TargetAccuracy.keyOf(target), testCurve.atThreshold(t));
        }
        Calibration calibration = new Calibration(validation != null ? "validation" : "test", thresholds, onTest);
        FitDiagnosis fit = train == null ? null
                : FitDiagnosis.of(train.metrics().sequenceAccuracy(), test.metrics().sequenceAccuracy(),
                        targetAccuracy);
        double acceptanceThreshold = thresholds.get(TargetAccuracy.keyOf(targetAccuracy));
        return new CoverageReport(softwareVersion, modelId, targetAccuracy, targets, boxes,
                SetSummary.of(test, targets),
                validation == null ? null : SetSummary.of(validation, targets),
                train == null ? null : SetSummary.of(train, targets),
                calibration, fit, acceptanceThreshold,
                ErrorKind.count(test.predictions().stream().filter(p -> p.acceptedAt(acceptanceThreshold)).toList()),
                null, test.predictions().isEmpty() ? null
                        : TestIntervals.of(test, acceptanceThreshold, Bootstrap.standard()),
                validation == null || validation.predictions().isEmpty() || test.predictions().isEmpty() ? null
                        : CalibrationIntervals.of(validation, test, targetAccuracy, Bootstrap.standard()),
                Reliability.of(test.predictions(), Reliability.BINS), test.predictions(), List.of(), List.of());
    }

    public CoverageReport withSheets(List<SheetTile> worstErrors, List<SheetTile> refusals) {
        return new CoverageReport(softwareVersion, modelId, targetAccuracy, targets, boxes, test, validation, train,
                calibration, fit, acceptanceThreshold, acceptedErrors, acceptedErrorsOnAnnotationGaps, testIntervals,
                calibrationIntervals, reliability, testPredictions, List.copyOf(worstErrors), List.copyOf(refusals));
    }

    /**
     * How the page and the printed summary follow the accepted errors' kinds: "" when none of them (or
     * no annotation check) applies, else "; 2 on annotations that may leave a digit out (check-labels): ...".
     */
    public String annotationGapsClause() {
        if (acceptedErrorsOnAnnotationGaps == null || acceptedErrorsOnAnnotationGaps.isEmpty()) {
            return "";
        }
        return "; " + acceptedErrorsOnAnnotationGaps.size() + " on annotations that may leave a digit out (a"
                + " digit-wide gap between neighbouring boxes, check-labels): "
                + String.join(", ", acceptedErrorsOnAnnotationGaps);
    }

    /**
     * The report with {@link #acceptedErrorsOnAnnotationGaps} filled in.
     *
     * @param gapFiles the test photos (by their name in the set) whose annotation has a suspect gap
     */
    public CoverageReport withAnnotationGaps(Set<String> gapFiles) {
        List<String> onGaps = testPredictions.stream()
                .filter(p -> accepted(p) && !p.correct() && gapFiles.contains(p.file()))
                .map(Prediction::file).toList();
        return new CoverageReport(softwareVersion, modelId, targetAccuracy, targets, boxes, test, validation, train,
                calibration, fit, acceptanceThreshold, acceptedErrors, onGaps, testIntervals, calibrationIntervals,
                reliability, testPredictions, worstErrors, refusals);
    }

    /** Whether the test prediction is accepted at the acceptance threshold (the CSV's column). */
    public boolean accepted(Prediction p) {
        return p.acceptedAt(acceptanceThreshold);
    }

    /** Whether the thresholds were chosen on validation (false: on test, so the service will do worse). */
    public boolean calibratedOnValidation() {
        return validation != null;
    }

    /**
     * The operating points this report calibrated, as an engine stores them: every target accuracy
     * some threshold reaches on the calibration set (the others are {@link #unreachableTargets}), and
     * that set's identity as their provenance; no-box thresholds when the photos were read without
     * their boxes ({@link BoxUse#WITHHELD}), so a calibration of one path never moves the other's.
     */
    public Thresholds calibratedThresholds() {
        Thresholds reached = Thresholds.NONE.calibratedOn(
                validation != null ? validation.identity() : test.identity());
        for (Map.Entry<String, Double> e : calibration.thresholds().entrySet()) {
            if (Double.isFinite(e.getValue())) {
                reached = reached.with(TargetAccuracy.parse(e.getKey()), e.getValue());
            }
        }
        return switch (boxes) {
            case GIVEN -> reached;
            case WITHHELD -> reached.asNoBox();
            // Read by the no-box networks from boxes no localizer found: the operating point of neither path.
            case AS_FOUND -> throw new IllegalStateException("boxes read as found are no path's, so they cannot"
                    + " calibrate one");
        };
    }

    /** The target accuracies no threshold reaches on the calibration set, ascending. */
    public List<TargetAccuracy> unreachableTargets() {
        return calibration.thresholds().entrySet().stream().filter(e -> !Double.isFinite(e.getValue()))
                .map(e -> TargetAccuracy.parse(e.getKey())).sorted().toList();
    }
}
