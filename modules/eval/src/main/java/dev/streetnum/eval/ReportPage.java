package dev.streetnum.eval;

import dev.streetnum.model.TargetAccuracy;
import java.util.Locale;
import java.util.Map;

/** The report's {@code index.html}: the numbers in tables, the pictures by relative link. */
final class ReportPage {

    private final CoverageReport report;
    private final StringBuilder html = new StringBuilder();

    ReportPage(CoverageReport report) {
        this.report = report;
    }

    String html() {
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>streetnum evaluation: ")
                .append(escape(report.modelId())).append("</title>\n<style>body{font-family:sans-serif;max-width:1100px;"
                        + "margin:1em auto}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #bbb;"
                        + "padding:3px 8px;text-align:right}th{background:#eee}td.l,th.l{text-align:left}</style>\n"
                        + "</head><body>\n");
        html.append("<h1>Evaluation of model ").append(escape(report.modelId())).append("</h1>\n<p>Test set: <code>")
                .append(escape(report.test().identity())).append("</code>");
        if (report.validation() != null) {
            html.append("<br>Validation set: <code>").append(escape(report.validation().identity())).append("</code>");
        }
        if (report.train() != null) {
            html.append("<br>Training set: <code>").append(escape(report.train().identity())).append("</code>");
        }
        html.append("<br>streetnum ").append(escape(report.softwareVersion()))
                .append(". Every number: <a href=\"").append(ReportWriter.REPORT_JSON).append("\">")
                .append(ReportWriter.REPORT_JSON).append("</a>; every image: <a href=\"")
                .append(ReportWriter.PREDICTIONS_CSV).append("\">").append(ReportWriter.PREDICTIONS_CSV)
                .append("</a>.</p>\n");

        boxSection();
        accuracySection();
        calibrationSection();
        confidenceSection();
        reliabilitySection();
        if (report.fit() != null) {
            html.append("<h2>Train against test</h2>\n<p>").append(escape(report.fit().sentence())).append("</p>\n");
        }
        html.append("<h2>Most confident wrong transcriptions</h2>\n<p>Wrong answers on test: ")
                .append(escape(ErrorKind.describe(report.test().metrics().errors())))
                .append("; of those accepted at threshold ")
                .append(ReportWriter.formatThreshold(report.acceptanceThreshold()))
                .append(": ").append(escape(ErrorKind.describe(report.acceptedErrors())))
                .append(escape(report.annotationGapsClause()))
                .append(". Extra digits point at the region (a neighbouring digit taken in, or a digit the annotation"
                        + " left out), missing ones at a region that cuts the number.</p>\n<p>The 64x64 crop the"
                        + " model was given; the yellow square is the centre crop it saw, and a red frame marks an answer given"
                        + " at the threshold (a wrong answer a caller would have received).</p>\n");
        image(ReportWriter.WORST_ERRORS_PNG, "most confident wrong transcriptions");
        html.append("<h2>Refused</h2>\n<p>Not accepted at threshold ")
                .append(ReportWriter.formatThreshold(report.acceptanceThreshold()))
                .append(": refusals of the \"&gt;5\" class first, then the least confident.</p>\n");
        image(ReportWriter.REFUSALS_PNG, "refused examples");
        html.append("</body></html>\n");
        return html.toString();
    }

    private void boxSection() {
        if (report.boxes() == BoxUse.AS_FOUND) {
            // Figures of this kind are not the service's on its photos: say so where a reader looks first.
            html.append("<h2>Boxes read as found</h2>\n<p>Each CSV box was read as if the bundle's localizer had"
                    + " found it, by the networks that read a photo sent without a box. On a set of boxes that cut the number"
                    + " (cut-numbers) that shows how surely that path answers a cut number; these are not the figures"
                    + " of photos read with or without their boxes.</p>\n");
            return;
        }
        if (report.boxes() != BoxUse.WITHHELD) {
            return;
        }
        html.append("<h2>Without boxes</h2>\n<p>The model was given each whole photo, no box: it read the region its"
                + " localizer found (or the whole photo, for a bundle without one). The CSV's boxes served only as the"
                + " truth for the boxes found.</p>\n<table><tr><th class=l>set</th><th>mean IoU of the box found"
                + " against the true union box</th></tr>");
        boxRow("test", report.test());
        boxRow("validation", report.validation());
        boxRow("train", report.train());
        html.append("</table>\n");
    }

    private void boxRow(String name, CoverageReport.SetSummary set) {
        if (set != null && set.meanBoxIou() != null) {
            html.append("<tr><td class=l>").append(name).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.3f", set.meanBoxIou())).append("</td></tr>");
        }
    }

    private void accuracySection() {
        SequenceMetrics m = report.test().metrics();
        html.append("<h2>Accuracy at full coverage (test, ").append(m.examples()).append(" images)</h2>\n<table>")
                .append("<tr><th class=l>sequence (whole number)</th><td>").append(percent(m.sequenceAccuracy()))
                .append(range(sure() == null ? null : sure().sequenceAccuracy()))
                .append("</td></tr><tr><th class=l>per digit</th><td>").append(percent(m.digitAccuracy()))
                .append("</td></tr><tr><th class=l>length</th><td>").append(percent(m.lengthAccuracy()))
                .append("</td></tr></table>\n<table><tr><th>digits</th><th>images</th><th>sequence accuracy</th></tr>");
        for (Map.Entry<String, SequenceMetrics.LengthBucket> e : m.byLength().entrySet()) {
            html.append("<tr><td>").append(escape(e.getKey())).append("</td><td>").append(e.getValue().examples())
                    .append("</td><td>").append(percent(e.getValue().accuracy())).append("</td></tr>");
        }
        html.append("</table>\n");
    }

    private void calibrationSection() {
        CoverageReport.Calibration c = report.calibration();
        boolean heldOut = c.chosenOn().equals("validation");
        html.append("<h2>Coverage at a target accuracy</h2>\n<p>").append(heldOut
                ? "Thresholds chosen on the validation set, applied to the test set."
                : "No validation set: thresholds chosen on the test set itself, so the test figures are the best"
                        + " achievable, not a held-out estimate.")
                .append("</p>\n<table><tr><th>target accuracy</th><th>threshold t (").append(escape(c.chosenOn()))
                .append(")</th><th>test coverage at t</th><th>test accuracy at t</th>"
                        + "<th>best achievable test coverage</th><th>its threshold</th></tr>");
        String acceptanceKey = TargetAccuracy.keyOf(report.targetAccuracy());
        for (String key : c.thresholds().keySet()) {
            OperatingPoint onTest = c.onTest().get(key);
            OperatingPoint best = report.test().bestCoverage().get(key);
            boolean acceptance = key.equals(acceptanceKey) && sure() != null;
            html.append("<tr><td>").append(percentKey(key)).append("</td><td>")
                    .append(ReportWriter.formatThreshold(c.thresholds().get(key))).append("</td><td>")
                    .append(percent(onTest.coverage())).append(range(acceptance ? sure().coverage() : null))
                    .append("</td><td>").append(percent(onTest.accuracy()))
                    .append(range(acceptance ? sure().accuracy() : null))
                    .append("</td><td>").append(percent(best.coverage())).append("</td><td>")
                    .append(ReportWriter.formatThreshold(best.threshold())).append("</td></tr>");
        }
        html.append("</table>\n<p>Area under the risk-coverage curve on test: ")
                .append(String.format(Locale.ROOT, "%.4f", report.test().riskCoverageArea()));
        if (sure() != null) {
            html.append(sure().riskCoverageArea().bracketed(v -> String.format(Locale.ROOT, "%.4f", v)));
        }
        html.append(" (the error rate of the accepted answers averaged over every coverage, lower is better;"
                        + " on a few hundred photos it moves less than coverage at one accuracy).</p>\n");
        if (sure() != null) {
            html.append("<p>In brackets: ").append(String.format(Locale.ROOT, "%.0f%%", 100 * sure().level()))
                    .append(" intervals from ").append(sure().resamples())
                    .append(" draws of the test photos with replacement (the threshold held fixed): the range other"
                            + " photos like these would likely give.</p>\n");
        }
        CalibrationIntervals again = report.calibrationIntervals();
        if (again != null) {
            html.append("<p>The threshold itself was chosen on ").append(report.validation().metrics().examples())
                    .append(" validation photos. Choosing it again on each of ").append(again.resamples())
                    .append(" draws of them, and reading a draw of the test photos at it, the ")
                    .append(percent(again.targetAccuracy())).append(" operating point answers")
                    .append(again.answeredNothing() ? " nothing in any draw"
                            : range(again.coverage()) + " of test, accuracy there" + range(again.accuracy()) + ", below "
                                    + percent(again.targetAccuracy()) + " in "
                                    + String.format(Locale.ROOT, "%.1f%%", 100 * again.shareBelowTarget()) + " of draws")
                    .append(": how far calibrating on other photos like these could move it.</p>\n");
        }
    }

    private void confidenceSection() {
        html.append("<h2>Principled against ad-hoc confidence</h2>\n<p>Best achievable test coverage when"
                + " rejecting by P(S|x) or by the product of the six heads' maxima (the paper's baseline).</p>\n"
                + "<table><tr><th>target accuracy</th><th>P(S|x)</th><th>ad hoc</th></tr>");
        for (String key : report.test().bestCoverage().keySet()) {
            html.append("<tr><td>").append(percentKey(key)).append("</td><td>")
                    .append(percent(report.test().bestCoverage().get(key).coverage())).append("</td><td>")
                    .append(percent(report.test().adHocBestCoverage().get(key).coverage())).append("</td></tr>");
        }
        html.append("</table>\n");
        image(ReportWriter.CURVE_PNG, "accuracy against coverage, principled and ad-hoc confidence");
    }

    private void reliabilitySection() {
        Reliability r = report.reliability();
        html.append("<h2>Is P(S|x) the probability of being right?</h2>\n<p>The test answers sorted by P(S|x) in ")
                .append(r.bins().size()).append(" bins of equal count (").append(r.answers()).append(" answers; ")
                .append(r.refused()).append(" refused, left out): where a bin's accuracy falls below its mean P(S|x),"
                        + " the model is surer than it is right. Expected calibration error ")
                .append(Double.isNaN(r.expectedCalibrationError()) ? "n/a"
                        : String.format(Locale.ROOT, "%.3f", r.expectedCalibrationError()))
                .append(" (the gaps, weighted by bin size). Coverage at a target accuracy needs only the ranking;"
                        + " the thresholds are chosen on validation either way.</p>\n<table><tr><th>answers</th>"
                        + "<th>mean P(S|x)</th><th>accuracy</th></tr>");
        for (Reliability.Bin bin : r.bins()) {
            html.append("<tr><td>").append(bin.count()).append("</td><td>")
                    .append(String.format(Locale.ROOT, "%.4f", bin.meanConfidence())).append("</td><td>")
                    .append(percent(bin.accuracy())).append("</td></tr>");
        }
        html.append("</table>\n");
        image(ReportWriter.RELIABILITY_PNG, "reliability diagram: accuracy against mean P(S|x) by bin");
    }

    private TestIntervals sure() {
        return report.testIntervals();
    }

    /** " [81.20%, 86.80%]" after a percentage, or nothing when there is no interval. */
    private static String range(Bootstrap.Interval interval) {
        return interval == null ? "" : interval.bracketed(ReportPage::percent);
    }

    private void image(String file, String alt) {
        html.append("<p><img src=\"").append(file).append("\" alt=\"").append(alt).append("\"></p>\n");
    }

    private static String percentKey(String key) {
        return percent(Double.parseDouble(key));
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    private static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
