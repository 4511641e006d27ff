// Draws the ablation table (rows.csv of scripts/ablation-real.sh) as two bar charts, one above the
// other: sequence accuracy and coverage at 98% accuracy on the real test split, one group of bars per
// row; below, the area under the risk-coverage curve (lower is better) for the rows that have one.
// Both are equally tall because XChart lays a grid of charts out in equal cells. The chart widens with
// the rows and writes each bar's figure only while they fit (the table has every figure).
//   jshell --class-path "modules/cli/target/lib/*" -R-Djava.awt.headless=true \
//       -R-Dablation.rows=ROWS_CSV -R-Dablation.png=OUT_PNG scripts/ablation-chart.jsh
import org.knowm.xchart.*;
import org.knowm.xchart.style.Styler;
import org.apache.commons.csv.*;
import java.nio.file.*;
import java.util.*;

void draw() throws Exception {
    var rows = Path.of(System.getProperty("ablation.rows"));
    var png = System.getProperty("ablation.png");
    var names = new ArrayList<String>();
    var accuracy = new ArrayList<Double>();
    var coverage = new ArrayList<Double>();
    var areaNames = new ArrayList<String>();
    var area = new ArrayList<Double>();
    try (var parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get().parse(Files.newBufferedReader(rows))) {
        for (var r : parser) {
            names.add(r.get("row"));
            accuracy.add(Math.round(1000 * Double.parseDouble(r.get("sequence_accuracy"))) / 10.0);
            coverage.add(Math.round(1000 * Double.parseDouble(r.get("coverage_at_98_val_threshold"))) / 10.0);
            // Rows whose bundles were not kept have no area (models/README.md says which).
            if (r.isMapped("test_risk_coverage_area") && !r.get("test_risk_coverage_area").isBlank()) {
                areaNames.add(r.get("row"));
                area.add(Double.parseDouble(r.get("test_risk_coverage_area")));
            }
        }
    }
    int width = Math.max(900, 26 * names.size());
    boolean figures = names.size() <= 30;
    var chart = new CategoryChartBuilder().width(width).height(400)
            .title("Real SVHN test (500 photos): one change at a time")
            .xAxisTitle("ablation row (models/README.md)").yAxisTitle("%").build();
    var styler = chart.getStyler();
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setYAxisMin(0.0);
    styler.setYAxisMax(100.0);
    styler.setLabelsVisible(figures);
    styler.setXAxisLabelRotation(90);
    chart.addSeries("sequence accuracy", names, accuracy);
    chart.addSeries("coverage at 98% (val threshold)", names, coverage);
    var charts = new ArrayList<CategoryChart>(List.of(chart));
    if (!area.isEmpty()) {
        var areaChart = new CategoryChartBuilder().width(width).height(400)
                .title("Area under the risk-coverage curve (lower ranks right answers above wrong ones better)")
                .xAxisTitle("ablation row").yAxisTitle("AURC").build();
        areaChart.getStyler().setLegendVisible(false);
        areaChart.getStyler().setYAxisMin(0.0);
        areaChart.getStyler().setLabelsVisible(figures);
        areaChart.getStyler().setXAxisLabelRotation(90);
        areaChart.getStyler().setDecimalPattern("0.000");
        areaChart.addSeries("test AURC", areaNames, area);
        charts.add(areaChart);
    }
    BitmapEncoder.saveBitmap(charts, charts.size(), 1, png, BitmapEncoder.BitmapFormat.PNG);
    System.out.println("wrote " + png);
}
draw();
/exit
