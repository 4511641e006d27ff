package dev.streetnum.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-layer health every M iterations (a DL4J listener, attached by the trainer, never by the model):
 * activation mean/std, ReLU units off and dead, the norm of the mean loss's gradient, parameter norm and the
 * update-to-parameter ratio. Rows go to {@code monitor.csv}; activation and gradient histograms to
 * {@code monitor/*.png}. Works only on the iteration the loop {@link #arm}s, so it costs nothing between.
 */
public final class LayerMonitor extends BaseTrainingListener {

    private static final Logger LOG = LoggerFactory.getLogger(LayerMonitor.class);
    public static final String CSV_NAME = "monitor.csv";
    public static final String PNG_FOLDER = "monitor";
    static final String HEADER = "iteration,layer,activation_mean,activation_std,relu_off_fraction,dead_fraction,"
            + "gradient_norm,parameter_norm,update_ratio,update_health";
    /** Values per layer kept for a histogram: enough for its shape, bounded for big conv layers. */
    private static final int HISTOGRAM_SAMPLE = 20_000;
    private static final int HISTOGRAM_BINS = 40;
    private static final int HISTOGRAM_COLUMNS = 3;
    private static final int HISTOGRAM_SIZE = 360;

    private final Path runDir;
    private final boolean histograms;
    private long armedAt = -1;
    private final Map<String, double[]> activationStats = new LinkedHashMap<>();
    private final Map<String, double[]> activationSamples = new LinkedHashMap<>();
    private final Map<String, Double> gradientNorms = new LinkedHashMap<>();
    private final Map<String, double[]> gradientSamples = new LinkedHashMap<>();
    private final Map<String, INDArray> paramsBefore = new LinkedHashMap<>();
    private final java.util.Set<String> warned = new java.util.HashSet<>();
    private List<LayerStats> last = List.of();

    /** @param histograms whether to draw the PNG histograms (tests may skip them) */
    public LayerMonitor(Path runDir, boolean histograms) {
        this.runDir = runDir;
        this.histograms = histograms;
    }

    /** Measure during the next iteration, which is number {@code iteration} (counting from 0). */
    void arm(long iteration) {
        armedAt = iteration;
    }

    /** The rows of the latest snapshot. */
    public List<LayerStats> lastSnapshot() {
        return last;
    }

    /** Drops rows from iterations at or after {@code iteration}: a resumed run redoes them. */
    void truncateFrom(long iteration) {
        Path csv = runDir.resolve(CSV_NAME);
        if (!Files.exists(csv)) {
            return;
        }
        try {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
                if (kept.isEmpty() || Long.parseLong(line.substring(0, line.indexOf(','))) < iteration) {
                    kept.add(line);
                }
            }
            Files.write(csv, kept, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not rewrite " + csv, e);
        }
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        if (armedAt < 0) {
            return;
        }
        ComputationGraph net = (ComputationGraph) model;
        // Network order (DL4J's activation map is unordered), so monitor.csv and the plots read top down.
        for (int index : net.topologicalSortOrder()) {
            GraphVertex vertex = net.getVertices()[index];
            INDArray activation = activations.get(vertex.getVertexName());
            if (activation == null || !vertex.hasLayer()) {
                continue;
            }
            INDArray a = activation.castTo(DataType.DOUBLE);
            boolean relu = vertex.getLayer().conf().getLayer() instanceof BaseLayer base
                    && base.getActivationFn() instanceof ActivationReLU;
            double off = Double.NaN;
            double dead = Double.NaN;
            if (relu) {
                INDArray on = a.gt(0.0).castTo(DataType.DOUBLE);
                off = 1 - on.meanNumber().doubleValue();
                dead = unitsNeverOn(on);
            }
            activationStats.put(vertex.getVertexName(), new double[] {a.meanNumber().doubleValue(),
                    a.stdNumber().doubleValue(), off, dead});
            activationSamples.put(vertex.getVertexName(), sample(a));
        }
    }

    @Override
    public void onGradientCalculation(Model model) {
        if (armedAt < 0) {
            return;
        }
        ComputationGraph net = (ComputationGraph) model;
        // Here, before the updater runs, DL4J holds the gradient of the minibatch's summed loss; its
        // updater divides by the minibatch size later. Report the gradient of the mean loss, the one
        // the reported score and the optimiser step use (under plain SGD, step = rate x this).
        double perExample = 1.0 / net.batchSize();
        Map<String, INDArray> grads = net.gradient().gradientForVariable();
        for (Layer layer : net.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            if (layer.numParams() == 0) {
                continue;
            }
            double sumSquares = 0;
            List<double[]> parts = new ArrayList<>();
            for (Map.Entry<String, INDArray> g : grads.entrySet()) {
                if (g.getKey().startsWith(name + "_")) {
                    // Copied now: the updater overwrites this view with the step.
                    INDArray mean = g.getValue().castTo(DataType.DOUBLE).mul(perExample);
                    double norm = mean.norm2Number().doubleValue();
                    sumSquares += norm * norm;
                    parts.add(sample(mean));
                }
            }
            gradientNorms.put(name, Math.sqrt(sumSquares));
            gradientSamples.put(name, concat(parts));
            paramsBefore.put(name, layer.params().dup());
        }
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        if (armedAt < 0) {
            return;
        }
        ComputationGraph net = (ComputationGraph) model;
        List<LayerStats> rows = new ArrayList<>();
        for (Layer layer : net.getLayers()) {
            String name = layer.conf().getLayer().getLayerName();
            double[] act = activationStats.getOrDefault(name, new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
            double gradNorm = Double.NaN;
            double paramNorm = Double.NaN;
            double ratio = Double.NaN;
            INDArray before = paramsBefore.get(name);
            if (before != null) {
                INDArray now = layer.params();
                gradNorm = gradientNorms.get(name);
                paramNorm = now.norm2Number().doubleValue();
                ratio = now.sub(before).norm2Number().doubleValue() / paramNorm;
            }
            LayerStats s = new LayerStats(armedAt, name, act[0], act[1], act[2], act[3], gradNorm, paramNorm, ratio);
            // Warn once per layer and verdict: a decaying learning rate makes "low" expected late in a
            // run, and monitor.csv keeps every snapshot anyway.
            if (!"ok".equals(s.updateHealth()) && !"-".equals(s.updateHealth())
                    && warned.add(name + " " + s.updateHealth())) {
                LOG.warn(String.format(Locale.ROOT, "layer %s at iteration %d: update/parameter ratio %.2e is %s"
                        + " (healthy is about 1e-2, between %.0e and %.0e)", name, armedAt, ratio,
                        s.updateHealth(), LayerStats.RATIO_LOW, LayerStats.RATIO_HIGH)
                        + "; later snapshots of this layer are in monitor.csv only");
            }
            rows.add(s);
        }
        last = List.copyOf(rows);
        append(rows);
        if (histograms) {
            drawHistograms("activations", activationSamples);
            drawHistograms("gradients", gradientSamples);
        }
        armedAt = -1;
        activationStats.clear();
        activationSamples.clear();
        gradientNorms.clear();
        gradientSamples.clear();
        paramsBefore.clear();
    }

    /** Fraction of units (dimension 1: channels or neurons) zero for every example and position. */
    static double unitsNeverOn(INDArray on) {
        int[] others = new int[on.rank() - 1];
        for (int d = 0, k = 0; d < on.rank(); d++) {
            if (d != 1) {
                others[k++] = d;
            }
        }
        INDArray perUnit = on.sum(others);
        return perUnit.eq(0.0).castTo(DataType.DOUBLE).meanNumber().doubleValue();
    }

    private static double[] sample(INDArray a) {
        double[] all = a.ravel().toDoubleVector();
        int stride = Math.max(1, all.length / HISTOGRAM_SAMPLE);
        double[] s = new double[(all.length + stride - 1) / stride];
        for (int i = 0, k = 0; i < all.length; i += stride) {
            s[k++] = all[i];
        }
        return s;
    }

    private static double[] concat(List<double[]> parts) {
        int n = parts.stream().mapToInt(p -> p.length).sum();
        double[] out = new double[n];
        int k = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, k, p.length);
            k += p.length;
        }
        return out;
    }

    private void append(List<LayerStats> rows) {
        Path csv = runDir.resolve(CSV_NAME);
        StringBuilder text = new StringBuilder();
        if (!Files.exists(csv)) {
            text.append(HEADER).append('\n');
        }
        for (LayerStats s : rows) {
            text.append(String.format(Locale.ROOT, "%d,%s,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%s%n", s.iteration(),
                    s.layer(), s.activationMean(), s.activationStd(), s.reluOff(), s.dead(), s.gradientNorm(),
                    s.parameterNorm(), s.updateRatio(), s.updateHealth()));
        }
        try {
            Files.writeString(csv, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + csv, e);
        }
    }

    private void drawHistograms(String kind, Map<String, double[]> samples) {
        List<XYChart> charts = new ArrayList<>();
        for (Map.Entry<String, double[]> e : samples.entrySet()) {
            List<Double> values = new ArrayList<>(e.getValue().length);
            for (double v : e.getValue()) {
                if (Double.isFinite(v)) {
                    values.add(v);
                }
            }
            if (values.isEmpty()) {
                continue;
            }
            double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
            double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            Histogram h = new Histogram(values, HISTOGRAM_BINS, min, max > min ? max : min + 1e-12);
            XYChart chart = new XYChartBuilder().width(HISTOGRAM_SIZE).height(HISTOGRAM_SIZE * 3 / 4)
                    .title(e.getKey() + " " + kind).xAxisTitle("value").yAxisTitle("count").build();
            chart.getStyler().setLegendVisible(false);
            chart.getStyler().setMarkerSize(0);
            // XChart's default prints every tick with all its digits, and neighbouring labels run together.
            chart.getStyler().setXAxisDecimalPattern("0.##E0");
            chart.addSeries(e.getKey(), h.getxAxisData(), h.getyAxisData())
                    .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
            charts.add(chart);
        }
        if (charts.isEmpty()) {
            return;
        }
        try {
            Path folder = Files.createDirectories(runDir.resolve(PNG_FOLDER));
            int rows = (charts.size() + HISTOGRAM_COLUMNS - 1) / HISTOGRAM_COLUMNS;
            int cols = Math.min(HISTOGRAM_COLUMNS, charts.size());
            // XChart's grid wants exactly rows x cols charts: fill the last row with blank ones.
            while (charts.size() < rows * cols) {
                XYChart blank = new XYChartBuilder().width(HISTOGRAM_SIZE).height(HISTOGRAM_SIZE * 3 / 4).build();
                blank.addSeries(" ", new double[] {0}, new double[] {0}).setMarker(new org.knowm.xchart.style.markers.None());
                blank.getStyler().setLegendVisible(false);
                charts.add(blank);
            }
            BitmapEncoder.saveBitmap(charts, rows, cols,
                    folder.resolve(String.format(Locale.ROOT, "%s-%06d.png", kind, armedAt)).toString(),
                    BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException ex) {
            throw new UncheckedIOException("could not draw " + kind + " histograms in " + runDir, ex);
        }
    }
}
