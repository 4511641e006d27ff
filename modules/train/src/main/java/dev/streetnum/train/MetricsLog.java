package dev.streetnum.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** {@code metrics.csv} and {@code curves.png}: rewritten whole at each validation, so a resume cannot duplicate rows. */
final class MetricsLog {

    static final String CSV_NAME = "metrics.csv";
    static final String PNG_NAME = "curves.png";
    static final String HEADER = "iteration,epoch,learning_rate,train_loss,train_sequence_error,val_sequence_error,"
            + "val_coverage_at_98,val_threshold_at_98,sample_images,images_per_second,elapsed_seconds,"
            + "raw_val_sequence_error,raw_val_coverage_at_98,val_risk_coverage_area";
    private static final int WIDTH = 640;
    private static final int HEIGHT = 420;

    private MetricsLog() {
    }

    static void write(Path runDir, List<MetricsRow> history) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (MetricsRow r : history) {
            csv.append(String.format(Locale.ROOT, "%d,%d,%.6g,%.6f,%.6f,%.6f,%.6f,%.6g,%d,%.2f,%.1f,", r.iteration(),
                    r.epoch(), r.learningRate(), r.trainLoss(), 1 - r.train().accuracy(), 1 - r.val().accuracy(),
                    r.val().coverage(), r.val().threshold(), r.val().examples(), r.imagesPerSecond(),
                    r.elapsedSeconds()));
            // The raw-weights columns stay empty in a run that validates its raw weights only.
            csv.append(r.rawVal() == null ? "," : String.format(Locale.ROOT, "%.6f,%.6f", 1 - r.rawVal().accuracy(),
                    r.rawVal().coverage())).append(',');
            Double area = r.val().riskCoverageArea();
            csv.append(area == null ? "" : String.format(Locale.ROOT, "%.6f", area)).append('\n');
        }
        try {
            Files.writeString(runDir.resolve(CSV_NAME), csv, StandardCharsets.UTF_8);
            if (!history.isEmpty()) {
                BitmapEncoder.saveBitmap(charts(history), 1, 2, runDir.resolve(PNG_NAME).toString(),
                        BitmapEncoder.BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write metrics in " + runDir, e);
        }
    }

    private static List<XYChart> charts(List<MetricsRow> history) {
        List<Double> x = new ArrayList<>();
        List<Double> loss = new ArrayList<>();
        List<Double> trainError = new ArrayList<>();
        List<Double> valError = new ArrayList<>();
        List<Double> coverage = new ArrayList<>();
        List<Double> rawValError = new ArrayList<>();
        for (MetricsRow r : history) {
            x.add((double) r.iteration());
            loss.add(r.trainLoss());
            trainError.add(1 - r.train().accuracy());
            valError.add(1 - r.val().accuracy());
            coverage.add(r.val().coverage());
            if (r.rawVal() != null) {
                rawValError.add(1 - r.rawVal().accuracy());
            }
        }
        XYChart lossChart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("training loss, -log P(S|x)")
                .xAxisTitle("iteration").yAxisTitle("loss").build();
        lossChart.addSeries("train loss", x, loss);
        XYChart errorChart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("sequence error, centre crops, same-sized samples").xAxisTitle("iteration").yAxisTitle("fraction")
                .build();
        errorChart.addSeries("train error", x, trainError);
        errorChart.addSeries("validation error", x, valError);
        errorChart.addSeries("validation coverage at 98%", x, coverage);
        if (rawValError.size() == x.size()) {
            errorChart.addSeries("validation error, raw weights", x, rawValError);
        }
        errorChart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        return List.of(lossChart, errorChart);
    }
}
