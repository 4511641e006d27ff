package dev.streetnum.eval;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Writes a {@link CoverageReport} as a folder a person can open: JSON, CSV, pictures and index.html. */
public final class ReportWriter {

    public static final String REPORT_JSON = "report.json";
    public static final String PREDICTIONS_CSV = "predictions.csv";
    public static final String BOX_READINGS_CSV = "box-readings.csv";
    public static final String CURVE_PNG = "accuracy-coverage.png";
    public static final String RELIABILITY_PNG = "reliability.png";
    public static final String WORST_ERRORS_PNG = "worst-errors.png";
    public static final String REFUSALS_PNG = "refusals.png";
    public static final String INDEX_HTML = "index.html";

    private static final int CHART_WIDTH = 900;
    private static final int CHART_HEIGHT = 560;

    private final double seenFraction;

    /** @param seenFraction the network input's side over the crop's (54/64), outlined on the sheets */
    public ReportWriter(double seenFraction) {
        this.seenFraction = seenFraction;
    }

    /** JSON that writes NaN and infinities as null: "no threshold reaches this accuracy", "nothing accepted". */
    public static ObjectMapper jsonMapper() {
        SimpleModule nonFinite = new SimpleModule("non-finite-as-null");
        JsonSerializer<Double> serializer = new JsonSerializer<>() {
            @Override
            public void serialize(Double value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                if (Double.isFinite(value)) {
                    gen.writeNumber(value);
                } else {
                    gen.writeNull();
                }
            }
        };
        nonFinite.addSerializer(Double.class, serializer);
        nonFinite.addSerializer(double.class, serializer);
        return new ObjectMapper().registerModule(nonFinite).enable(SerializationFeature.INDENT_OUTPUT);
    }

    public void write(CoverageReport report, Path folder) {
        try {
            Files.createDirectories(folder);
            jsonMapper().writeValue(folder.resolve(REPORT_JSON).toFile(), report);
            PredictionsCsv.write(report.testPredictions(), report::accepted, folder.resolve(PREDICTIONS_CSV));
            // Only a photo read without a box through several localizers has candidate boxes; a file left by an
            // earlier report in the same folder would otherwise pass for this one's.
            if (report.testPredictions().stream().anyMatch(p -> !p.boxReadings().isEmpty())) {
                BoxReadingsCsv.write(report.testPredictions(), folder.resolve(BOX_READINGS_CSV));
            } else {
                Files.deleteIfExists(folder.resolve(BOX_READINGS_CSV));
            }
            writeCurve(report, folder.resolve(CURVE_PNG));
            writeReliability(report.reliability(), folder.resolve(RELIABILITY_PNG));
            String threshold = formatThreshold(report.acceptanceThreshold());
            ImageIO.write(ReviewSheet.render("Most confident wrong transcriptions (red frame: answered at threshold "
                    + threshold + ")", report.worstErrors(), seenFraction, report.acceptanceThreshold()),
                    "png", folder.resolve(WORST_ERRORS_PNG).toFile());
            ImageIO.write(ReviewSheet.render("Refused at threshold " + threshold, report.refusals(), seenFraction,
                    report.acceptanceThreshold()), "png", folder.resolve(REFUSALS_PNG).toFile());
            Files.writeString(folder.resolve(INDEX_HTML), new ReportPage(report).html(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the report to " + folder + ": " + e.getMessage(), e);
        }
    }

    private static void writeCurve(CoverageReport report, Path file) throws IOException {
        EvaluatedSet test = new EvaluatedSet(report.test().identity(), report.testPredictions());
        XYChart chart = new XYChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT)
                .title("Accuracy against coverage on test").xAxisTitle("coverage (fraction of images answered)")
                .yAxisTitle("accuracy of the answers").build();
        // Both axes fixed to [0,1]: left to XChart, a weak model's curve along accuracy 0 collapsed the
        // y axis to the two ticks 0 and the target, and the legend sat on top of the curves.
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0)
                .setChartBackgroundColor(Color.WHITE)
                .setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        addCurve(chart, "P(S|x), principled", test.principledCurve());
        addCurve(chart, "product of head maxima, ad hoc", test.adHocCurve());
        XYSeries target = chart.addSeries(String.format(Locale.ROOT, "target %.0f%%", 100 * report.targetAccuracy()),
                new double[] {0, 1}, new double[] {report.targetAccuracy(), report.targetAccuracy()});
        target.setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY);
        String base = file.toString();
        BitmapEncoder.saveBitmap(chart, base.substring(0, base.length() - ".png".length()),
                BitmapEncoder.BitmapFormat.PNG);
    }

    /** The reliability diagram: each bin's accuracy against its mean P(S|x), beside the diagonal of a true probability. */
    private static void writeReliability(Reliability reliability, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT)
                .title(String.format(Locale.ROOT, "Is P(S|x) the probability of being right? (test; expected calibration error %s)",
                        Double.isNaN(reliability.expectedCalibrationError()) ? "n/a"
                                : String.format(Locale.ROOT, "%.3f", reliability.expectedCalibrationError())))
                .xAxisTitle(String.format(Locale.ROOT, "mean P(S|x) of a bin (%d bins of equal count)", reliability.bins().size()))
                .yAxisTitle("accuracy of the bin's answers").build();
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0)
                .setChartBackgroundColor(Color.WHITE)
                .setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        chart.addSeries("a true probability", new double[] {0, 1}, new double[] {0, 1})
                .setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY);
        List<Reliability.Bin> bins = reliability.bins();
        // XChart refuses an empty series: with no answers the diagram shows the diagonal alone.
        if (!bins.isEmpty()) {
            XYSeries answers = chart.addSeries(String.format(Locale.ROOT, "test answers (%d; %d refused)", reliability.answers(),
                            reliability.refused()),
                    bins.stream().mapToDouble(Reliability.Bin::meanConfidence).toArray(),
                    bins.stream().mapToDouble(Reliability.Bin::accuracy).toArray());
            answers.setMarker(SeriesMarkers.CIRCLE);
        }
        String base = file.toString();
        BitmapEncoder.saveBitmap(chart, base.substring(0, base.length() - ".png".length()),
                BitmapEncoder.BitmapFormat.PNG);
    }

    private static void addCurve(XYChart chart, String name, CoverageCurve curve) {
        List<OperatingPoint> points = curve.points();
        // XChart refuses an empty series; a set with nothing accepted draws a single point at the origin.
        double[] x = points.isEmpty() ? new double[] {0} : points.stream().mapToDouble(OperatingPoint::coverage).toArray();
        double[] y = points.isEmpty() ? new double[] {0} : points.stream().mapToDouble(OperatingPoint::accuracy).toArray();
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE);
    }

    static String formatThreshold(double t) {
        return Double.isFinite(t) ? String.format(Locale.ROOT, "%.4g", t) : "none (accept nothing)";
    }
}
